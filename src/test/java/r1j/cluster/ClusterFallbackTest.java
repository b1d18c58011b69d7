package r1j.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import r1j.generate.Completion;
import r1j.generate.Generator;
import r1j.generate.Rollouts;
import r1j.generate.SamplingParams;
import r1j.model.Transformer;
import r1j.testing.NanoWorld;
import r1j.tokenizer.Tokenizer;

/** A worker that cannot serve a shard (here: it cannot read the model) does not stall the step: after a few tries it is sampled here. */
class ClusterFallbackTest {
    @TempDir
    Path tmp;

    @Test
    void aShardNoWorkerCanServeIsSampledByTheTrainerWithTheSameResult() throws Exception {
        Path model = NanoWorld.model(tmp);
        Transformer policy = r1j.io.Checkpoint.load(model, false);
        Tokenizer tok = Tokenizer.load(model);
        String name = "r1j-fallback-" + ProcessHandle.current().pid();
        int port = freePort();
        HazelcastInstance worker = Members.start(name, port, List.of(), "127.0.0.1", false);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (ClusterRollouts r = ClusterRollouts.connect(new ClusterRollouts.Connection(name, List.of("127.0.0.1:" + port), "127.0.0.1", freePort(), 1, 60),
                ModelSpec.policy(tmp.resolve("not-there").toString(), null, 1), tok, new PrintStream(log, true, StandardCharsets.UTF_8))) {
            int[] prefix = tok.encode("What is", false);
            List<Generator.Request> reqs = List.of(new Generator.Request(tok.encode(" 2 + 3?", false), 11),
                    new Generator.Request(tok.encode(" 4 * 5?", false), 12));
            SamplingParams sp = SamplingParams.builder().temperature(1f).topP(1f).topK(0).minP(0f)
                    .repetitionPenalty(1f).maxNewTokens(6).stopStrings(List.of())
                    .stopTokens(new int[] {tok.eosId()}).build();
            List<List<Completion>> got = r.generate(policy, 0, prefix, reqs, 2, sp);
            List<List<Completion>> want = Rollouts.local(tok).generate(policy, 0, prefix, reqs, 2, sp);
            assertThat(got).hasSameSizeAs(want);
            for (int i = 0; i < want.size(); i++) {
                for (int j = 0; j < want.get(i).size(); j++) assertThat(got.get(i).get(j).tokens()).isEqualTo(want.get(i).get(j).tokens());
            }
            assertThat(r.lastCost()).containsEntry("rollouts_redone", ClusterRollouts.MAX_TRIES);
            assertThat(log.toString(StandardCharsets.UTF_8)).contains("weight sync to").contains("sampling it here");
        } finally {
            worker.shutdown();
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
