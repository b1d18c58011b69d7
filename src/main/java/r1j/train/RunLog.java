package r1j.train;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The console of a job copied into its run folder's run.log (appended, so a resumed run keeps the history). */
public final class RunLog {
    private RunLog() {}

    public static PrintStream tee(PrintStream console, Path runDir) throws IOException {
        Files.createDirectories(runDir);
        OutputStream file = Files.newOutputStream(runDir.resolve("run.log"), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                console.write(b);
                file.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                console.write(b, off, len);
                // The progress line redraws itself with \\r on a terminal; the log keeps whole lines only.
                for (int i = off; i < off + len; i++) file.write(b[i] == '\r' ? '\n' : b[i]);
            }

            @Override
            public void flush() throws IOException {
                console.flush();
                file.flush();
            }
        };
        return new PrintStream(both, true, StandardCharsets.UTF_8);
    }
}
