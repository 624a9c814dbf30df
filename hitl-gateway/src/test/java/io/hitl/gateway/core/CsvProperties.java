package io.hitl.gateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class CsvProperties {

  @Property
  void aLineReadsBackAsItsCellsAndNoCellStartsAFormula(@ForAll @Size(max = 8) List<String> cells) {
    List<String> back = parse(Csv.line(cells));
    assertThat(back).hasSize(Math.max(1, cells.size()));
    for (int i = 0; i < cells.size(); i++) {
      String original = cells.get(i) == null ? "" : cells.get(i);
      String read = back.get(i);
      assertThat(read).doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("-").doesNotStartWith("@");
      assertThat(read.startsWith("'") && !original.startsWith("'") ? read.substring(1) : read).isEqualTo(original);
    }
  }

  /** An RFC 4180 reader of one line (ended by CRLF). */
  static List<String> parse(String line) {
    assertThat(line).endsWith("\r\n");
    String s = line.substring(0, line.length() - 2);
    List<String> out = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    out.add(cell.toString());
    return out;
  }
}
