package io.hitl.gateway.core;

import java.util.List;

/** RFC 4180 lines for spreadsheet exports, with formula injection defused. */
public final class Csv {
  private Csv() {
  }

  /**
   * One cell. A cell a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return)
   * gets a leading apostrophe; a cell with a comma, quote or line break is quoted.
   */
  public static String cell(String v) {
    if (v == null || v.isEmpty()) {
      return "";
    }
    char c = v.charAt(0);
    if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') {
      v = "'" + v;
    }
    if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0) {
      return '"' + v.replace("\"", "\"\"") + '"';
    }
    return v;
  }

  /** The cells joined by commas, ended by CRLF. */
  public static String line(List<String> cells) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(cell(cells.get(i)));
    }
    return sb.append("\r\n").toString();
  }
}
