package r1j.train;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One writer per run folder: an operating-system lock on {@code DIR/.lock}, taken when a job opens the folder and held
 * until its process ends — the system releases it even after SIGKILL, so a crashed run never blocks its resume. The
 * file names the holder (pid, host, start time) for the message a second process gets. Within one process the folder
 * may be opened again (a job resumed in the same JVM, a pipeline's stages).
 */
final class RunLock {
    private static final Map<Path, FileChannel> HELD = new ConcurrentHashMap<>();

    private RunLock() {}

    static void acquire(Path dir) throws IOException {
        Path file = dir.toAbsolutePath().normalize().resolve(".lock");
        synchronized (HELD) {
            if (HELD.containsKey(file)) return;
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            if (lock == null) {
                String holder = Files.readString(file, StandardCharsets.UTF_8).trim();
                ch.close();
                throw new IllegalStateException(dir + " is being written by another r1j process (" + (holder.isEmpty() ? "unknown" : holder)
                        + "); wait for it to finish, stop it, or give another --out");
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + " on " + host() + " since " + Instant.now() + "\n")
                    .getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
            HELD.put(file, ch);
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "this machine";
        }
    }
}
