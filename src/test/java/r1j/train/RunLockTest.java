package r1j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two processes on one run folder: the second is refused, naming the first; a killed holder frees the folder. */
class RunLockTest {
    record Settings(int steps) {}

    @TempDir
    Path tmp;

    @Test
    void aSecondProcessIsRefusedUntilTheFirstIsKilled() throws Exception {
        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        // Another JVM takes the run's lock as a training job would (TrainingRun.open), reporting its pid, then waits for
        // its standard input, which the test never writes: no time limit to outlast.
        Path holder = tmp.resolve("Holder.java");
        Files.writeString(holder, """
                import java.nio.channels.FileChannel;
                import java.nio.file.*;
                public class Holder {
                    public static void main(String[] a) throws Exception {
                        var ch = FileChannel.open(Path.of(a[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                        ch.lock();
                        ch.write(java.nio.ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " (test holder)").getBytes()));
                        System.out.println("locked");
                        System.out.flush();
                        System.in.read(); // holds the lock until it is killed (or the test's JVM, which holds the pipe, ends)
                    }
                }
                """);
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(javaBin, holder.toString(), run.resolve(".lock").toString()).redirectErrorStream(true).start();
        try {
            assertThat(new BufferedReader(new InputStreamReader(p.getInputStream())).readLine()).isEqualTo("locked");
            PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
            assertThatThrownBy(() -> TrainingRun.open(run, new Settings(3), new Settings(3), Set.of(), quiet))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("is being written by another r1j process (pid " + p.pid() + " (test holder))");
            p.destroyForcibly();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            TrainingRun.open(run, new Settings(3), new Settings(3), Set.of(), quiet); // SIGKILL released the lock
            assertThat(Files.readString(run.resolve(".lock"))).startsWith("pid " + ProcessHandle.current().pid() + " on ");
            TrainingRun.open(run, new Settings(3), new Settings(3), Set.of(), quiet); // the same process may open it again
        } finally {
            p.destroyForcibly();
        }
    }
}
