package io.hitl.gateway.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON reader for anything a client sends: exactly one value in valid UTF-8 with nothing after it, no
 * duplicate keys, no NUL or lone surrogate in any text, bounded nesting and numbers. Objects become
 * {@code LinkedHashMap}, arrays {@code ArrayList}, whole numbers Integer/Long/BigInteger, other numbers BigDecimal.
 */
public final class StrictJson {
  /** Deeper than any body the API defines; keeps a hostile body from exhausting the stack. */
  public static final int MAX_DEPTH = 32;
  /** Digits in a number literal; more carries no meaning for a price or a quantity. */
  public static final int MAX_NUMBER_LENGTH = 100;
  /** Decimal exponent bound, so a value like 1e999999999 never reaches toPlainString. */
  public static final int MAX_EXPONENT = 1000;

  private static final JsonFactory FACTORY = JsonFactory.builder()
    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH + 1)
      .maxNumberLength(MAX_NUMBER_LENGTH).build())
    .build();

  private StrictJson() {
  }

  /** The one JSON object in {@code bytes}; anything else is refused with SEC-010 naming {@code field}. */
  public static Map<String, Object> object(byte[] bytes, String field) {
    Object v = parse(bytes, field);
    if (!(v instanceof Map)) {
      throw refuse(field, "must be a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) v;
    return map;
  }

  /** The one JSON value in {@code bytes}. */
  public static Object parse(byte[] bytes, String field) {
    return parse(utf8(bytes, field), field);
  }

  /** The one JSON value in {@code text} (already decoded). */
  public static Object parse(String text, String field) {
    try (JsonParser p = FACTORY.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw refuse(field, "is empty");
      }
      Object value = read(p, first, 1, field, null);
      if (p.nextToken() != null) {
        throw refuse(field, "has content after the JSON value");
      }
      return value;
    } catch (JsonProcessingException e) {
      // the parser's message quotes the input; the position is enough and echoes nothing hostile
      var at = e.getLocation();
      throw refuse(field, at == null ? "is not valid JSON"
        : "is not valid JSON (at line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
    } catch (IOException e) {
      throw refuse(field, "could not be read");
    }
  }

  /** Strict UTF-8: overlong forms, encoded surrogates and truncated sequences are refused, not replaced. */
  public static String utf8(byte[] bytes, String field) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      return decoder.decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw refuse(field, "is not valid UTF-8");
    }
  }

  /** Why {@code s} cannot be stored as text (a NUL or an unpaired surrogate), or null when it can. */
  public static String textProblem(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0) {
        return "must not contain a NUL character";
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return "must not contain a lone surrogate";
      }
      if (Character.isLowSurrogate(c)) {
        return "must not contain a lone surrogate";
      }
    }
    return null;
  }

  /** {@code path}: where the value sits (a.b[2]), so a text problem names the field it is in. */
  private static Object read(JsonParser p, JsonToken t, int depth, String field, String path) throws IOException {
    if (depth > MAX_DEPTH) {
      throw refuse(field, "nests deeper than " + MAX_DEPTH + " levels");
    }
    switch (t) {
      case START_OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
          String key = text(p.currentName(), path == null ? field : path);
          if (map.containsKey(key)) {
            throw refuse(path == null ? field : path, "has the key \"" + key + "\" more than once");
          }
          map.put(key, read(p, p.nextToken(), depth + 1, field, child(path, field, key)));
        }
        return map;
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          list.add(read(p, e, depth + 1, field, (path == null ? field : path) + "[" + list.size() + "]"));
        }
        return list;
      }
      case VALUE_STRING:
        return text(p.getText(), path == null ? field : path);
      case VALUE_NUMBER_INT: {
        BigInteger i = p.getBigIntegerValue();
        if (i.bitLength() < 32) {
          return i.intValue();
        }
        return i.bitLength() < 64 ? (Object) i.longValue() : i;
      }
      case VALUE_NUMBER_FLOAT:
        return decimal(p.getText(), field);
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw refuse(field, "is not valid JSON");
    }
  }

  /** The path of a member; a long key is not echoed back, its parent is named instead. */
  private static String child(String path, String field, String key) {
    if (key.length() > 64) {
      return path == null ? field : path;
    }
    return path == null ? key : path + "." + key;
  }

  private static BigDecimal decimal(String literal, String field) {
    BigDecimal d;
    try {
      d = new BigDecimal(literal);
    } catch (NumberFormatException | ArithmeticException e) {
      throw refuse(field, "has a number out of range");
    }
    long exponent = (long) d.precision() - d.scale() - 1;
    if (d.signum() != 0 && Math.abs(exponent) > MAX_EXPONENT) {
      throw refuse(field, "has a number out of range");
    }
    // a zero with a huge exponent (0e999999999) is still zero, and keeps toPlainString short
    return d.signum() == 0 ? BigDecimal.ZERO.setScale(Math.max(0, Math.min(d.scale(), MAX_EXPONENT))) : d;
  }

  private static String text(String s, String field) {
    String problem = textProblem(s);
    if (problem != null) {
      throw refuse(field, problem);
    }
    return s;
  }

  private static GatewayException refuse(String field, String why) {
    return GatewayException.invalid(Map.of(field, why));
  }
}
