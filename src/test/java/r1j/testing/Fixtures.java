package r1j.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference data of ../shared/fixtures (beside the checkout, as CI lays it out), or shared/fixtures inside the
 * checkout, or the folder named by R1J_FIXTURES.
 */
public final class Fixtures {
    private Fixtures() {}

    public static Path dir(String name) {
        String env = System.getenv("R1J_FIXTURES");
        Path[] candidates = {env == null ? null : Path.of(env), Path.of("..", "shared", "fixtures"), Path.of("shared", "fixtures")};
        for (Path c : candidates) {
            if (c != null && Files.isDirectory(c.resolve(name))) return c.resolve(name);
        }
        throw new IllegalStateException("fixture '" + name + "' not found in ../shared/fixtures, shared/fixtures or $R1J_FIXTURES");
    }
}
