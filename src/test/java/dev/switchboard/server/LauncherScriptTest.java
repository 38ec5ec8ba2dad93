package dev.switchboard.server;

import dev.switchboard.testsupport.EchoMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code ./switchboard} as a new user meets it: the first run builds the jar, says so with progress, and passes on
 * none of Maven's noise (colour codes, the JDK's sun.misc.Unsafe warnings). Maven is a stand-in here that behaves
 * like Maven 3.8 on JDK 25 (colour codes in batch mode; the warnings unless MAVEN_OPTS allows the access).
 */
class LauncherScriptTest {

    @Test
    void theFirstRunSaysItIsBuildingAndPrintsNoWarningsOrEscapeCodes(@TempDir Path dir) throws Exception {
        Path project = project(dir);
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        Files.createDirectories(project.resolve("src/main"));
        Path fakeJar = fakeJar(dir.resolve("fake.jar"));
        Path tools = Files.createDirectories(dir.resolve("tools"));
        Path mvn = tools.resolve("mvn");
        Files.writeString(mvn, """
                #!/usr/bin/env bash
                echo "$*" > "%s/mvn-args"
                case " ${MAVEN_OPTS:-} " in
                  *" --sun-misc-unsafe-memory-access=allow "*) ;;
                  *) echo "WARNING: A terminally deprecated method in sun.misc.Unsafe has been called" >&2 ;;
                esac
                printf '\\033[1m[INFO] Scanning for projects...\\033[m\\n'
                printf '[INFO] --- maven-compiler-plugin:3.14.0:compile (default-compile) @ switchboard ---\\n'
                printf '[INFO] Compiling 140 source files with javac [debug release 21] to target/classes\\n'
                printf '[INFO] --- maven-shade-plugin:3.6.0:shade (default) @ switchboard ---\\n'
                mkdir -p target && cp "%s" target/switchboard.jar
                printf '\\033[0m\\033[0m'
                """.formatted(dir, fakeJar));
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));

        ProcessBuilder pb = new ProcessBuilder(project.resolve("switchboard").toString(), "--version");
        pb.environment().put("PATH", tools + ":" + System.getenv("PATH"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().remove("MAVEN_OPTS");
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stderr = Files.readString(err);
        assertThat(p.exitValue()).as(stderr).isZero();
        assertThat(Files.readString(out)).isEqualTo("echo --version\n");
        assertThat(stderr).contains("switchboard: building target/switchboard.jar")
                .contains("switchboard:   Compiling 140 source files")
                .contains("switchboard:   bundling the libraries into it")
                .containsPattern("switchboard: built in \\d+ s")
                .doesNotContain("\u001b").doesNotContain("sun.misc.Unsafe").doesNotContain("[INFO]");
        assertThat(Files.readString(dir.resolve("mvn-args"))).contains("-Dstyle.color=never").contains("-B");

        Process again = new ProcessBuilder(project.resolve("switchboard").toString(), "demo")
                .redirectErrorStream(true).start();
        assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .as("an up-to-date jar is not rebuilt").isEqualTo("echo demo\n");
    }

    /**
     * On JDK 25+ the first {@code serve} trains an AOT cache for the jar and the JVM options, later ones use it without
     * training again; other options train a new one; {@code SWITCHBOARD_AOT=off} and other commands use none.
     */
    @Test
    void serveMakesAnAotCacheOnceForTheJarAndOptionsAndUsesIt(@TempDir Path dir) throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "AOT caches need JDK 25");
        Path project = project(dir);
        Files.createDirectories(project.resolve("target"));
        fakeJar(project.resolve("target/switchboard.jar"));
        sourcesOlderThanTheJar(project);
        Path cache = project.resolve("target/switchboard.aot");

        String first = launch(project, Map.of(), "serve");
        assertThat(first).contains("switchboard: training the AOT cache").contains("switchboard: AOT cache ready")
                .contains("echo serve").contains("jvm -XX:AOTCache=" + cache);
        assertThat(cache).isRegularFile();

        String second = launch(project, Map.of(), "serve");
        assertThat(second).as("an up-to-date cache is used, not made again").doesNotContain("training")
                .contains("jvm -XX:AOTCache=" + cache);

        String otherOptions = launch(project, Map.of("SWITCHBOARD_JAVA_OPTS", "-Xss1m"), "serve");
        assertThat(otherOptions).as("a cache is only valid for the options it was made with").contains("training the AOT cache")
                .contains("jvm -Xss1m -XX:AOTCache=" + cache);

        assertThat(launch(project, Map.of("SWITCHBOARD_AOT", "off"), "serve")).doesNotContain("training").doesNotContain("AOTCache");
        assertThat(launch(project, Map.of(), "demo")).doesNotContain("training").doesNotContain("AOTCache").contains("echo demo");
    }

    /**
     * A rebuild rewrites {@code target/switchboard.jar}; a server started earlier must not be running from it (it
     * would fail to load its classes). Each build is run from its own copy, which no later build touches.
     */
    @Test
    void aRebuildLeavesTheJarThatARunningServerUsesAlone(@TempDir Path dir) throws Exception {
        Path project = project(dir);
        Path jar = fakeJar(Files.createDirectories(project.resolve("target")).resolve("switchboard.jar"));
        sourcesOlderThanTheJar(project);
        Path first = runJar(launch(project, Map.of("SWITCHBOARD_AOT", "off"), "demo"));
        byte[] firstBytes = Files.readAllBytes(first);
        assertThat(first).as("not the jar a build writes").isNotEqualTo(jar).startsWith(project.resolve("target/run"));
        assertThat(runJar(launch(project, Map.of("SWITCHBOARD_AOT", "off"), "demo"))).as("one copy per build").isEqualTo(first);

        fakeJar(jar, "rebuilt.txt"); // what the next build writes
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        Path second = runJar(launch(project, Map.of("SWITCHBOARD_AOT", "off"), "demo"));
        assertThat(second).isNotEqualTo(first);
        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(jar));
        assertThat(first).as("the earlier run's jar is left as it was").exists();
        assertThat(Files.readAllBytes(first)).isEqualTo(firstBytes).isNotEqualTo(Files.readAllBytes(jar));
    }

    private static Path runJar(String echoed) {
        return echoed.lines().filter(l -> l.startsWith("jar ")).map(l -> Path.of(l.substring(4))).findFirst().orElseThrow();
    }

    /** A project directory with the launcher and its scripts, and nothing else yet. */
    private static Path project(Path dir) throws IOException {
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.copy(Path.of("switchboard"), project.resolve("switchboard"));
        Files.createDirectories(project.resolve("bin"));
        for (String f : new String[] {"find-jdk.sh", "maven.sh"}) {
            Files.copy(Path.of("bin", f), project.resolve("bin").resolve(f));
        }
        return project;
    }

    /** A pom and sources a minute older than the jar: the launcher does not build. */
    private static void sourcesOlderThanTheJar(Path project) throws IOException {
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        Files.createDirectories(project.resolve("src/main"));
        for (Path source : new Path[] {project.resolve("pom.xml"), project.resolve("src/main")}) {
            Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        }
    }

    private static String launch(Path project, Map<String, String> env, String command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(project.resolve("switchboard").toString(), command).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("ECHO_JVM_OPTIONS", "1");
        pb.environment().remove("SWITCHBOARD_JAVA_OPTS");
        pb.environment().remove("SWITCHBOARD_AOT");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static Path fakeJar(Path jar, String... extraEntries) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, EchoMain.class.getName());
        String entry = EchoMain.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.putNextEntry(new JarEntry(entry));
            try (var in = EchoMain.class.getClassLoader().getResourceAsStream(entry)) {
                in.transferTo(out);
            }
            out.closeEntry();
            for (String extra : extraEntries) {
                out.putNextEntry(new JarEntry(extra));
                out.closeEntry();
            }
        }
        return jar;
    }
}
