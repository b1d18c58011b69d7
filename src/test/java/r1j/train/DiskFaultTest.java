package r1j.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.testing.NanoWorld;

/**
 * A full disk and a read-only disk under a training run (issue 21): the run stops with one line naming what it could
 * not write, the last complete checkpoint stays loadable, and once the disk is writable again the same command finishes.
 * The disk is a small tmpfs mounted in a private user and mount namespace ({@code unshare -rm}), so the test needs no
 * privileges and touches no real disk; it is skipped where the kernel does not allow such namespaces. (Tests run as
 * root here, so file permissions cannot stand in for a read-only disk.)
 */
class DiskFaultTest {
    @TempDir
    Path tmp;

    @Test
    void aFullOrReadOnlyDiskStopsTheRunInOneLineAndTheSameCommandResumesLater() throws Exception {
        assumeThat(new ProcessBuilder("unshare", "-rm", "true").start().waitFor()).as("unshare -rm is allowed").isZero();
        Path model = NanoWorld.model(tmp), sft = NanoWorld.sft(tmp, NanoWorld.tasks(tmp, 40));
        Path disk = Files.createDirectories(tmp.resolve("disk")), logs = Files.createDirectories(tmp.resolve("logs"));
        String java = String.join(" ", NanoWorld.r1j().stream().map(a -> "'" + a + "'").toList());
        String train = java + " sft --model " + model + " --data " + sft + " --epochs 1 --batch-size 1 --seq-len 64 --checkpoint-every 2 --out "
                + disk.resolve("run");
        // Each launch's console goes to logs/NAME.log and its exit code to logs/NAME.rc, outside the tmpfs.
        String script = String.join("\n",
                "set -u",
                "run() { name=$1; shift; \"$@\" > " + logs + "/$name.log 2>&1; echo $? > " + logs + "/$name.rc; }",
                "mount -t tmpfs -o size=4m tmpfs " + disk,
                "run first env R1J_KILL_AT=metrics@3 " + train,
                // Fill the disk but for 64 KB: enough to open the run and log steps, not to write a checkpoint.
                "avail=$(df -k --output=avail " + disk + " | tail -1)",
                "dd if=/dev/zero of=" + disk + "/filler bs=1k count=$((avail - 64)) 2>/dev/null",
                "run full " + train,
                "rm " + disk + "/filler",
                "cp -a " + disk + "/run " + tmp.resolve("after-full"),
                "mount -o remount,ro " + disk,
                "run readonly " + train,
                "mount -o remount,rw " + disk,
                "run last " + train,
                "cp -a " + disk + "/run " + tmp.resolve("after-last"));
        Process p = new ProcessBuilder("unshare", "-rm", "bash", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(rc(logs, "first")).isEqualTo(137);

        String full = Files.readString(logs.resolve("full.log"));
        assertThat(rc(logs, "full")).as(full).isEqualTo(1);
        assertThat(failureLines(full)).as(full).singleElement().asString()
                .contains("checkpoint step-0000004 not written").contains("No space left on device")
                .contains("the last complete one, " + disk.resolve("run/checkpoints/step-0000002") + ", is kept");
        assertThat(full).doesNotContain("\tat ").doesNotContain("Exception");
        // What the full disk left: step 2 complete and loadable, no partial step 4.
        Path after = tmp.resolve("after-full").resolve("checkpoints");
        assertThat(Files.readString(after.resolve("latest.txt")).trim()).isEqualTo("step-0000002");
        assertThat(after.resolve(".tmp-step-0000004")).doesNotExist();
        r1j.io.Checkpoint.load(after.resolve("step-0000002"), true);

        String ro = Files.readString(logs.resolve("readonly.log"));
        assertThat(rc(logs, "readonly")).as(ro).isEqualTo(1);
        assertThat(failureLines(ro)).as(ro).singleElement().asString().contains(disk.resolve("run").toString()).contains("Read-only file system");
        assertThat(ro).doesNotContain("\tat ");

        String last = Files.readString(logs.resolve("last.log"));
        assertThat(rc(logs, "last")).as(last).isZero();
        assertThat(last).contains("resuming from " + disk.resolve("run/checkpoints/step-0000002"));
        r1j.io.Checkpoint.load(tmp.resolve("after-last").resolve("final"), true);
    }

    private static int rc(Path logs, String name) throws Exception {
        return Integer.parseInt(Files.readString(logs.resolve(name + ".rc")).trim());
    }

    private static List<String> failureLines(String log) {
        return log.lines().filter(l -> l.startsWith("r1j: failed") || l.startsWith("r1j: error")).toList();
    }
}
