package org.jlibp2p.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Keeps a module's README showing the example its test runs: the lines of the test's source between
 * {@code // --- README begins} and {@code // --- README ends} (at two levels of indentation, inside
 * a test method) must stand in the module's README.md, unchanged, in a Java code block. Run from
 * the module's folder, as Maven runs tests.
 */
public final class ReadmeExample {
    private ReadmeExample() {}

    /**
     * Checks that README.md shows the marked lines of {@code test}'s source.
     *
     * @param test the test class whose source holds the example (under src/test/java)
     * @throws IOException if the source or README.md cannot be read
     */
    public static void assertReadmeShows(Class<?> test) throws IOException {
        Path source = Path.of("src/test/java", test.getName().replace('.', '/') + ".java");
        List<String> lines = Files.readAllLines(source);
        int from = lines.indexOf("        // --- README begins") + 1;
        int to = lines.indexOf("        // --- README ends");
        assertThat(from).as("%s marks where the README's example begins", source).isPositive();
        assertThat(to).as("and where it ends").isGreaterThanOrEqualTo(from);
        String example = String.join("\n", lines.subList(from, to).stream().map(l -> l.length() >= 8 ? l.substring(8) : l.strip()).toList());
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).as("README.md shows the example of this test, unchanged").contains(example);
        assertThat(Arrays.asList(readme.split("\n"))).contains("```java");
    }
}
