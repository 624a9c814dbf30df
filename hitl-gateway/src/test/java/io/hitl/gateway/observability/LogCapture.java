package io.hitl.gateway.observability;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/** Every line the gateway logs from now on, encoded by the production encoder, kept in memory. */
final class LogCapture implements AutoCloseable {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
  private final Logger root;

  LogCapture(String format) {
    this(format, null);
  }

  /** With {@code terminal} standing in for whether standard output is a terminal (null: detect). */
  LogCapture(String format, Boolean terminal) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LogEncoder encoder = new LogEncoder();
    encoder.setContext(context);
    encoder.setFormat(format);
    encoder.setTerminal(terminal);
    encoder.start();
    appender.setContext(context);
    appender.setName("capture-" + System.nanoTime());
    appender.setEncoder(encoder);
    appender.setOutputStream(bytes);
    appender.setImmediateFlush(true);
    appender.start();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
  }

  String text() {
    synchronized (bytes) {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  List<JsonObject> lines() {
    List<JsonObject> l = new ArrayList<>();
    for (String line : text().split("\n")) {
      if (!line.isBlank()) {
        l.add(new JsonObject(line));
      }
    }
    return l;
  }

  /** The JSON lines that match, waiting up to 10 s for at least one (access lines follow the response). */
  List<JsonObject> await(Predicate<JsonObject> p) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (true) {
      List<JsonObject> found = lines().stream().filter(p).toList();
      if (!found.isEmpty() || System.nanoTime() > end) {
        return found;
      }
      // the interval between looks at the captured lines
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    root.detachAppender(appender);
    appender.stop();
  }
}
