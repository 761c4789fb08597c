package io.driftguard.cli;

import io.driftguard.engine.Action;
import io.driftguard.engine.Decision;
import io.driftguard.engine.Finding;
import io.driftguard.engine.Outcome;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A scan as one self-contained page (no external assets, works offline): summary counts, bar charts of the findings by
 * control and by resource group (inline SVG), a sortable, filterable table of apps and slots with each control's
 * status, and a table of the findings with the setting or tag that chose each mode and the {@code az} command that
 * fixes it. Names, tags and observed values are hostile input: every one is HTML-escaped into the markup (non-ASCII
 * as character references, so the page is ASCII whatever the stream's charset); the page's own script only sorts and
 * hides rows, and a Content-Security-Policy lets no other script run.
 */
final class HtmlReport {

  private static final String STYLE = """
      :root{--ok:#1a7f37;--ok-bg:#dafbe1;--warn:#9a6700;--warn-bg:#fff8c5;--bad:#cf222e;--bad-bg:#ffebe9;
      --fixed:#0969da;--fixed-bg:#ddf4ff;--off:#59636e;--off-bg:#f0f2f4;--line:#d1d9e0;--text:#1f2328;--muted:#59636e}
      *{box-sizing:border-box}
      body{margin:0;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif;
      color:var(--text);background:#f6f8fa}
      h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 10px}
      .meta{color:var(--muted);margin:0 0 18px}
      .cards{display:flex;flex-wrap:wrap;gap:10px}
      .card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:120px}
      .card .value{display:block;font-size:26px;font-weight:600}
      .card .label{color:var(--muted);font-size:12px}
      .card-left .value{color:var(--bad)}.card-compliant .value{color:var(--ok)}.card-fixed .value{color:var(--fixed)}
      .card-would-fix .value,.card-would-alert .value{color:var(--warn)}
      .charts{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
      figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 16px}
      figcaption{font-weight:600;margin-bottom:6px}
      figure svg{display:block}
      svg text{font:12px system-ui,"DejaVu Sans",sans-serif;fill:var(--text)}
      svg .bar{fill:#d4a72c}svg .none{fill:var(--muted)}
      .tools{display:flex;gap:10px;align-items:center;margin:0 0 10px}
      .tools input{flex:0 1 360px;padding:6px 10px;border:1px solid var(--line);border-radius:6px;font:inherit}
      .tools select{padding:6px;border:1px solid var(--line);border-radius:6px;font:inherit}
      .shown{color:var(--muted)}
      table{border-collapse:collapse;background:#fff;border:1px solid var(--line);width:100%}
      th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
      th{background:#f0f2f4;white-space:nowrap}
      th button{all:unset;cursor:pointer;font-weight:600}
      th button::after{content:" \\2195";color:var(--muted)}
      th[aria-sort=ascending] button::after{content:" \\2191"}th[aria-sort=descending] button::after{content:" \\2193"}
      td.name{font-weight:600;white-space:nowrap}
      td.status{white-space:nowrap}
      .status span{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;max-width:28em;
      overflow:hidden;text-overflow:ellipsis;vertical-align:bottom}
      .ok span{color:var(--ok);background:var(--ok-bg)}.off span,.n-a span{color:var(--off);background:var(--off-bg)}
      .fixed span{color:var(--fixed);background:var(--fixed-bg)}
      .would-fix span,.would-alert span,.alerted span,.refused-by-arm span{color:var(--warn);background:var(--warn-bg)}
      .fix-failed span,.backed-off span,.unknown span{color:var(--bad);background:var(--bad-bg)}
      code{font:12px ui-monospace,"DejaVu Sans Mono",monospace;background:#f0f2f4;padding:1px 4px;border-radius:4px;
      overflow-wrap:anywhere}
      td.source code{overflow-wrap:normal}td.fix{min-width:22em}td.value{max-width:24em;overflow-wrap:anywhere}
      td.control{white-space:nowrap}
      #apps th{white-space:normal}#apps td.status{white-space:normal}
      #apps .status span{overflow-wrap:anywhere;max-width:14em}
      ul.problems{background:var(--bad-bg);border:1px solid #ffcecb;border-radius:8px;padding:10px 28px}
      .hint{background:var(--fixed-bg);border:1px solid #b6e3ff;border-radius:8px;padding:10px 16px}
      footer{color:var(--muted);margin-top:24px;font-size:12px}
      """;

  /** Sorts and filters rows already on the page; reads only textContent and data attributes, writes no markup. */
  private static final String SCRIPT = """
      (function () {
        'use strict';
        var filter = document.getElementById('filter');
        var show = document.getElementById('show');
        var tables = Array.prototype.slice.call(document.querySelectorAll('table.data'));
        function apply() {
          var words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
          tables.forEach(function (table) {
            var rows = table.tBodies[0].rows;
            var visible = 0;
            for (var i = 0; i < rows.length; i++) {
              var text = rows[i].textContent.toLowerCase();
              var match = (show.value === 'all' || rows[i].getAttribute('data-state') === show.value)
                  && words.every(function (word) { return text.indexOf(word) >= 0; });
              rows[i].hidden = !match;
              if (match) { visible++; }
            }
            document.getElementById(table.id + '-shown').textContent = visible + ' of ' + rows.length + ' shown';
          });
        }
        function sortBy(table, header) {
          var column = Array.prototype.indexOf.call(header.parentNode.children, header);
          var ascending = header.getAttribute('aria-sort') !== 'ascending';
          Array.prototype.forEach.call(header.parentNode.children, function (th) { th.removeAttribute('aria-sort'); });
          header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var order = a.cells[column].textContent.localeCompare(b.cells[column].textContent, undefined, {numeric: true});
            return ascending ? order : -order;
          });
          rows.forEach(function (row) { body.appendChild(row); });
        }
        tables.forEach(function (table) {
          Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header) {
            header.querySelector('button').addEventListener('click', function () { sortBy(table, header); });
          });
        });
        filter.addEventListener('input', apply);
        show.addEventListener('change', apply);
        apply();
      })();
      """;

  private final List<Decision> decisions;
  private final ScanReport.Totals totals;
  private final List<String> problems;
  private final Optional<String> hint;
  private final StringBuilder html = new StringBuilder();

  HtmlReport(List<Decision> decisions, ScanReport.Totals totals, List<String> problems, Optional<String> hint) {
    this.decisions = decisions;
    this.totals = totals;
    this.problems = problems;
    this.hint = hint;
  }

  void write(PrintStream out) {
    html.setLength(0);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; ")
        .append("script-src '").append(sha256(SCRIPT)).append("'; base-uri 'none'; form-action 'none'\">\n")
        .append("<title>driftguard scan</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
    header();
    counts();
    charts();
    apps();
    findings();
    notes();
    html.append("<footer>driftguard scan, run ").append(escape(totals.runId()))
        .append(". One self-contained page: no external assets, works offline.</footer>\n")
        .append("<script>").append(SCRIPT).append("</script>\n</body>\n</html>\n");
    out.print(html);
  }

  private void header() {
    html.append("<h1>driftguard scan</h1>\n<p class=\"meta\">")
        .append(totals.subscriptions().size() == 1 ? "Subscription " : "Subscriptions ")
        .append(escape(String.join(", ", totals.subscriptions())))
        .append(totals.dryRun() ? " &middot; dry run: nothing was changed, alerted or recorded" : " &middot; autofix findings fixed, notify findings reported")
        .append(totals.complete() ? "" : " &middot; <strong>incomplete</strong>: run it again later")
        .append(String.format(Locale.ROOT, " &middot; %.1f s, %d ARM list reads", totals.elapsedMs() / 1000.0,
            totals.listReads()))
        .append("</p>\n");
  }

  private void counts() {
    html.append("<section class=\"cards\" aria-label=\"summary\">\n");
    card("scanned", "apps and slots scanned", totals.scanned());
    card("compliant", "compliant", totals.compliant());
    card("with-findings", "with findings", totals.withFindings());
    if (totals.dryRun()) {
      card("would-fix", "findings to fix", countFindings(Action.WOULD_FIX));
      card("would-alert", "findings to report", countFindings(Action.WOULD_ALERT));
    } else {
      card("fixed", "fixed", totals.fixed());
      card("alerted", "alerted", totals.alerted());
    }
    card("failed", "failed", totals.failed());
    card("left", "left with findings", totals.left());
    card("not-function-apps", "other sites, passed over", totals.notFunctionApps());
    html.append("</section>\n");
  }

  private int countFindings(Action action) {
    return (int) decisions.stream().flatMap(decision -> decision.findings().stream())
        .filter(finding -> finding.action() == action).count();
  }

  private void card(String key, String label, int value) {
    html.append("<div class=\"card card-").append(key).append("\" data-count=\"").append(key)
        .append("\"><span class=\"value\">").append(value).append("</span><span class=\"label\">").append(label).append("</span></div>\n");
  }

  private void charts() {
    Map<String, Integer> byControl = new LinkedHashMap<>();
    ScanReport.shownControls(decisions).forEach(control -> byControl.put(control, 0));
    Map<String, Integer> byGroup = new LinkedHashMap<>();
    for (Decision decision : decisions) {
      for (Finding finding : decision.findings()) {
        byControl.merge(finding.rule(), 1, Integer::sum);
        byGroup.merge(resourceGroup(decision), 1, Integer::sum);
      }
    }
    List<Map.Entry<String, Integer>> groups = new ArrayList<>(byGroup.entrySet());
    groups.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
    html.append("<h2>Findings</h2>\n<section class=\"charts\">\n");
    barChart("by-control", "Findings by control", List.copyOf(byControl.entrySet()));
    barChart("by-group", "Findings by resource group", groups);
    html.append("</section>\n");
  }

  /** Horizontal bars, one per entry, scaled to the largest; labels are text nodes, escaped like everything else. */
  private void barChart(String id, String title, List<Map.Entry<String, Integer>> bars) {
    int labelWidth = 170;
    int barWidth = 260;
    int rowHeight = 24;
    int max = bars.stream().mapToInt(Map.Entry::getValue).max().orElse(0);
    int height = Math.max(1, bars.size()) * rowHeight + 4;
    html.append("<figure id=\"").append(id).append("\"><figcaption>").append(escape(title)).append("</figcaption>\n")
        .append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").append(labelWidth + barWidth + 40)
        .append("\" height=\"").append(height).append("\" aria-label=\"").append(escape(title)).append("\">\n");
    if (bars.isEmpty()) {
      html.append("<text class=\"none\" x=\"0\" y=\"16\">no findings</text>\n");
    }
    for (int i = 0; i < bars.size(); i++) {
      String label = bars.get(i).getKey();
      int value = bars.get(i).getValue();
      int y = i * rowHeight;
      int width = max == 0 ? 0 : Math.max(value == 0 ? 0 : 2, value * barWidth / max);
      html.append("<g class=\"row\"><text x=\"").append(labelWidth - 8).append("\" y=\"").append(y + 16)
          .append("\" text-anchor=\"end\">").append(escape(abbreviate(label, 26)))
          .append(label.length() > 26 ? "<title>" + escape(label) + "</title>" : "").append("</text><rect class=\"bar\" x=\"")
          .append(labelWidth).append("\" y=\"").append(y + 4)
          .append("\" width=\"").append(width).append("\" height=\"").append(rowHeight - 8).append("\" rx=\"3\"/>")
          .append("<text class=\"value\" x=\"").append(labelWidth + width + 6).append("\" y=\"").append(y + 16).append("\">")
          .append(value).append("</text></g>\n");
    }
    html.append("</svg></figure>\n");
  }

  private void apps() {
    html.append("<h2>Function apps and slots</h2>\n<div class=\"tools\">")
        .append("<input id=\"filter\" type=\"search\" placeholder=\"Filter: app, group, control, value\" ")
        .append("aria-label=\"filter the tables\">")
        .append("<select id=\"show\" aria-label=\"which rows\"><option value=\"all\">all apps and slots</option>")
        .append("<option value=\"findings\">findings left</option><option value=\"clean\">compliant or fixed</option>")
        .append("</select><span class=\"shown\" id=\"apps-shown\"></span></div>\n");
    List<String> header = new ArrayList<>(List.of("app or slot", "resource group", "hosting"));
    if (totals.subscriptions().size() > 1) {
      header.add("subscription");
    }
    header.add("outcome");
    List<String> shown = ScanReport.shownControls(decisions);
    header.addAll(shown);
    tableStart("apps", header);
    for (Decision decision : decisions) {
      html.append("<tr data-state=\"").append(ScanReport.left(decision) ? "findings" : "clean").append("\">")
          .append("<td class=\"name\">").append(escape(Narration.shortName(decision.resource()))).append("</td>")
          .append("<td>").append(escape(resourceGroup(decision))).append("</td>")
          .append("<td>").append(escape(ScanReport.hosting(decision))).append("</td>");
      if (totals.subscriptions().size() > 1) {
        html.append("<td>").append(escape(decision.resource().split("/")[2])).append("</td>");
      }
      html.append("<td>").append(escape(Narration.outcomeLeft(decision))).append("</td>");
      for (String control : shown) {
        html.append("<td class=\"status ").append(cellState(decision, control)).append("\"><span>")
            .append(escape(ScanReport.status(decision, control))).append("</span></td>");
      }
      html.append("</tr>\n");
    }
    html.append("</tbody></table>\n");
  }

  private void findings() {
    html.append("<h2>Each finding, what chose its mode, and the fix</h2>\n<p class=\"shown\" id=\"findings-shown\"></p>\n");
    tableStart("findings", List.of("app or slot", "control", "observed", "wants", "action", "mode", "chosen by", "fix by hand"));
    for (Decision decision : decisions) {
      for (Finding finding : decision.findings()) {
        html.append("<tr data-state=\"").append(finding.action() == Action.FIXED ? "clean" : "findings")
            .append("\"><td class=\"name\">").append(escape(Narration.shortName(decision.resource()))).append("</td>");
        html.append("<td class=\"control\">").append(escape(finding.rule())).append("</td>");
        for (String value : new String[] {finding.named(finding.observed()), finding.named(finding.desired())}) {
          html.append("<td class=\"value\">").append(escape(value)).append("</td>");
        }
        html.append("<td class=\"status ").append(finding.action().label()).append("\"><span>")
            .append(escape(finding.action().label())).append("</span></td><td>").append(escape(finding.mode()))
            .append("</td><td class=\"source\"><code>").append(escape(finding.modeSource()))
            .append("</code></td><td class=\"fix\">")
            .append(finding.manualFix() == null ? "" : "<code>" + escape(finding.manualFix()) + "</code>")
            .append("</td></tr>\n");
      }
    }
    html.append("</tbody></table>\n");
  }

  private void notes() {
    if (!problems.isEmpty()) {
      html.append("<h2>Problems</h2>\n<ul class=\"problems\">\n");
      problems.forEach(problem -> html.append("<li>").append(escape(problem)).append("</li>\n"));
      html.append("</ul>\n");
    }
    hint.ifPresent(text -> html.append("<p class=\"hint\">").append(escape(text)).append("</p>\n"));
  }

  private void tableStart(String id, List<String> header) {
    html.append("<table class=\"data\" id=\"").append(id).append("\"><thead><tr>");
    header.forEach(column -> html.append("<th><button type=\"button\">").append(escape(column)).append("</button></th>"));
    html.append("</tr></thead><tbody>\n");
  }

  /** The CSS class of a control's cell: the finding's action, else ok, off, or unknown when the app failed. */
  private static String cellState(Decision decision, String control) {
    return decision.findings().stream().filter(finding -> finding.rule().equals(control)).findFirst()
        .map(finding -> finding.action().label())
        .orElse(decision.evaluated().contains(control) ? "ok" : decision.outcome() == Outcome.FAILED ? "unknown"
            : ScanReport.status(decision, control).equals("n/a") ? "n-a" : "off");
  }

  /** A sweep's ids are canonical: /subscriptions/{id}/resourceGroups/{group}/providers/Microsoft.Web/sites/... */
  private static String resourceGroup(Decision decision) {
    return decision.resource().split("/")[4];
  }

  private static String abbreviate(String text, int length) {
    return text.length() <= length ? text : text.substring(0, length - 1) + "\u2026";
  }

  /** Text for element content and quoted attributes: markup characters and everything outside printable ASCII. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder escaped = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      switch (c) {
        case '&' -> escaped.append("&amp;");
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '"' -> escaped.append("&quot;");
        case '\'' -> escaped.append("&#39;");
        default -> {
          if (c >= 0x20 && c < 0x7f) {
            escaped.append((char) c);
          } else if (c == '\n' || c == '\t') {
            escaped.append(' ');
          } else if (Character.isISOControl(c) || Character.getType(c) == Character.SURROGATE) {
            escaped.append("&#xFFFD;");
          } else {
            escaped.append("&#x").append(Integer.toHexString(c)).append(';');
          }
        }
      }
    });
    return escaped.toString();
  }

  private static String sha256(String script) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
