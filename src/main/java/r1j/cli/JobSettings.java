package r1j.cli;

import java.nio.file.Path;

/** How a command's options are recorded in job.json. */
final class JobSettings {
    private JobSettings() {}

    /** A path as an absolute, normalised string (the same folder named two ways is the same setting); null stays null. */
    static String path(Path p) {
        return p == null ? null : p.toAbsolutePath().normalize().toString();
    }
}
