package io.hitl.gateway.observability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** One /metrics answer, parsed: every sample with its name, labels and value. */
record Scrape(List<Sample> samples) {

  record Sample(String name, Map<String, String> labels, double value) {
  }

  static Scrape parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = brace < 0 ? line.substring(0, space) : line.substring(0, brace);
      Map<String, String> labels = new TreeMap<>();
      if (brace >= 0) {
        String body = line.substring(brace + 1, line.lastIndexOf('}'));
        int i = 0;
        while (i < body.length()) {
          int eq = body.indexOf('=', i);
          int end = body.indexOf('"', eq + 2);
          labels.put(body.substring(i, eq), body.substring(eq + 2, end));
          i = end + 2;
        }
      }
      samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
    }
    return new Scrape(samples);
  }

  /** The value of the sample with exactly these labels (pairs of name, value); 0 when the series does not exist. */
  double value(String name, String... labels) {
    Map<String, String> want = new TreeMap<>();
    for (int i = 0; i < labels.length; i += 2) {
      want.put(labels[i], labels[i + 1]);
    }
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(want))
      .mapToDouble(Sample::value).findFirst().orElse(0);
  }

  /** The sum over every sample of {@code name} whose labels match. */
  double sum(String name, Predicate<Map<String, String>> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && labels.test(s.labels()))
      .mapToDouble(Sample::value).sum();
  }

  boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }

  /** How much each sample moved since {@code before}, for the samples named. */
  double delta(Scrape before, String name, String... labels) {
    return value(name, labels) - before.value(name, labels);
  }
}
