package r1j.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import r1j.data.Jsonl;
import r1j.pipeline.Pipeline;
import r1j.pipeline.PipelinePreset;

/** What `r1j pipeline` and `r1j r1-zero` share: the preset, a given base, the gate's override, GRPO's settings, the table. */
public final class PipelineOptions {
    @Option(names = "--preset", defaultValue = "tiny", description = "tiny (the run of docs/results.md) or nano (minutes).")
    String preset;

    @Option(names = "--base", description = "A pretrained base model folder (skips pretraining).")
    Path base;

    @Option(names = "--force", description = "Go on even if the base fails the readiness gate.")
    boolean force;

    @Option(names = "--json", description = "The stage table as one JSON object per stage on stdout.")
    boolean json;

    @Mixin
    GrpoOptions grpo;

    PipelinePreset preset() {
        return PipelinePreset.of(preset);
    }

    Pipeline pipeline(Path out) {
        return new Pipeline(new Pipeline.Options(preset(), out, base, grpo.config(), grpo.seed, force), System.err);
    }

    /** The stage table: JSON rows on stdout, or a table for a person. */
    void print(List<Map<String, Object>> table) {
        if (json) {
            for (Map<String, Object> r : table) System.out.println(Jsonl.write(r));
        } else {
            PipelineCommand.printTable(table, preset().evalK());
        }
    }
}
