package io.driftguard.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * macOS ships bash 3.2, and many admins deploy from a Mac. Debian's bash cannot be 3.2, so infra/'s scripts are linted
 * for what bash 3.2 lacks: each pattern names the feature and the bash version that brought it.
 */
class Bash32LintTest {

  static final Map<String, Pattern> NEWER_THAN_3_2 = new LinkedHashMap<>();

  static {
    NEWER_THAN_3_2.put("mapfile/readarray (bash 4.0)", Pattern.compile("\\b(mapfile|readarray)\\b"));
    NEWER_THAN_3_2.put("associative array or nameref (bash 4.0, 4.3)",
        Pattern.compile("\\b(declare|local|typeset)\\s+-\\w*[An]"));
    NEWER_THAN_3_2.put("case modification ${x,,} ${x^^} (bash 4.0)", Pattern.compile("\\$\\{\\w+(\\[[^]]*])?(,|\\^)"));
    NEWER_THAN_3_2.put("|& or &>> (bash 4.0)", Pattern.compile("\\|&|&>>"));
    NEWER_THAN_3_2.put("case fall-through ;& or ;;& (bash 4.0)", Pattern.compile(";;&|(?<!;);&"));
    NEWER_THAN_3_2.put("coproc (bash 4.0)", Pattern.compile("\\bcoproc\\b"));
    NEWER_THAN_3_2.put("wait -n (bash 4.3)", Pattern.compile("\\bwait\\s+-n\\b"));
    NEWER_THAN_3_2.put("negative array subscript (bash 4.3)", Pattern.compile("\\$\\{\\w+\\[-\\d+]}"));
    NEWER_THAN_3_2.put("[[ -v ]] (bash 4.2)", Pattern.compile("\\[\\[\\s+-v\\s"));
    NEWER_THAN_3_2.put("globstar, lastpipe, inherit_errexit (bash 4.x)",
        Pattern.compile("\\bshopt\\s+-s\\s+(globstar|lastpipe|inherit_errexit)"));
    NEWER_THAN_3_2.put("$EPOCHSECONDS, $EPOCHREALTIME, $BASHPID (bash 4.0, 5.0)",
        Pattern.compile("\\$\\{?(EPOCHSECONDS|EPOCHREALTIME|BASHPID)\\b"));
    // Before bash 4.4, "${a[@]}" of an empty array is an unbound variable under set -u: ${a[@]+"${a[@]}"} is not.
    NEWER_THAN_3_2.put("\"${array[@]}\" without ${array[@]+...} (an empty array fails set -u before bash 4.4)",
        Pattern.compile("(?<!\\[@]\\+)\"\\$\\{\\w+\\[@]}\""));
  }

  /** Every feature newer than 3.2 in a text, one "line N: feature: text" each; comment lines are left out. */
  static List<String> findings(String script) {
    List<String> findings = new ArrayList<>();
    String[] lines = script.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.trim().startsWith("#")) {
        continue;
      }
      for (Map.Entry<String, Pattern> feature : NEWER_THAN_3_2.entrySet()) {
        Matcher found = feature.getValue().matcher(line);
        if (found.find()) {
          findings.add("line " + (i + 1) + ": " + feature.getKey() + ": " + line.trim());
        }
      }
    }
    return findings;
  }

  @Test
  void theScriptsUseNothingBash32Lacks() {
    List<Path> scripts;
    try (Stream<Path> files = Files.list(InfraContractTest.INFRA)) {
      scripts = files.filter(file -> file.toString().endsWith(".sh")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertTrue(scripts.size() >= 5, "deploy.sh, remove.sh and what they source: " + scripts);
    for (Path script : scripts) {
      assertEquals(List.of(), findings(BicepTemplateTest.text(script.getFileName().toString())), script.toString());
    }
  }

  /** The lint finds each feature it names, and passes what bash 3.2 has. */
  @Test
  void theLintFindsEachFeature() {
    List<String> newer = List.of("mapfile -t ids <<<\"$x\"", "readarray ids", "declare -A seen", "local -n ref=$1",
        "echo \"${id,,}\"", "echo \"${name^^}\"", "az x |& tee log", "az x &>> log", "a) x ;;& b) y ;;", "a) x ;& b) y ;;",
        "coproc az x", "wait -n", "echo ${ids[-1]}", "[[ -v ids ]]", "shopt -s globstar", "echo $EPOCHSECONDS",
        "for id in \"${ids[@]}\"; do :; done");
    for (String line : newer) {
      assertEquals(1, findings(line).size(), line + ": " + findings(line));
    }
    List<String> older = List.of("for id in ${ids[@]+\"${ids[@]}\"}; do :; done", "printf '%s' \"$1\" | tr A-Z a-z",
        "IFS=$'\\n' read -r -d '' -a ids <<<\"$x\" || true", "case $1 in a) x ;; esac", "echo \"$@\" \"${#ids[@]}\"",
        "# mapfile is bash 4", "for ((i = 0; i < n; i++)); do :; done", "[[ \"$x\" =~ $pattern ]]");
    for (String line : older) {
      assertFalse(!findings(line).isEmpty(), line + ": " + findings(line));
    }
  }
}
