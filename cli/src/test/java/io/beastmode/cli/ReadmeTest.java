package io.beastmode.cli;

import io.beastmode.schemas.Topics;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The README is the contract's documentation: its topic table and quick start must match the code. */
class ReadmeTest {

    private static String readme() throws Exception {
        // Tests run in the cli module directory; the README is at the repository root.
        Path p = Path.of("..", "README.md");
        return Files.readString(Files.exists(p) ? p : Path.of("README.md"));
    }

    @Test
    void topicTableMatchesTheContract() throws Exception {
        Pattern row = Pattern.compile("^\\| `(beast\\.[^`]+)` \\| .* \\| `([a-zA-Z0-9.]+)`.* \\| (delete|compact) \\|$");
        Map<String, String[]> documented = new LinkedHashMap<>();
        for (String line : readme().lines().toList()) {
            Matcher m = row.matcher(line);
            if (m.matches()) {
                documented.put(m.group(1), new String[]{m.group(2), m.group(3)});
            }
        }
        List<Topics.TopicSpec> specs = Topics.all();
        assertThat(documented.keySet()).containsExactlyElementsOf(specs.stream().map(Topics.TopicSpec::name).toList());
        for (Topics.TopicSpec spec : specs) {
            assertThat(documented.get(spec.name())[0]).as("value type of " + spec.name()).isEqualTo(spec.valueType());
            assertThat(documented.get(spec.name())[1]).as("cleanup policy of " + spec.name())
                    .isEqualTo(spec.configs().get("cleanup.policy"));
        }
    }

    @Test
    void quickStartIsExactlyTheDemoAndTheTestCommand() throws Exception {
        String text = readme();
        String quick = text.substring(text.indexOf("## Quick start"));
        String block = quick.substring(quick.indexOf("```bash") + 7, quick.indexOf("```", quick.indexOf("```bash") + 7));
        List<String> commands = block.lines().map(String::strip).filter(l -> !l.isEmpty())
                .map(l -> l.replaceAll("\\s+#.*$", "")).toList();
        assertThat(commands).containsExactly("scripts/beast demo", "mvn -B verify");
        // .ci/run runs that same test command.
        assertThat(Files.readString(Path.of("..", ".ci", "run"))).contains("mvn -B verify");
    }
}
