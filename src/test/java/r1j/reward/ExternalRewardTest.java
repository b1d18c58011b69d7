package r1j.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reward the user writes: a command fed JSONL, and a local HTTP endpoint, each scoring a batch; failures (exit
 * status, timeout, wrong count, non-numbers, HTTP errors) stop with one line naming the reward.
 */
class ExternalRewardTest {
    @TempDir
    Path dir;

    private static final List<Sample> BATCH = List.of(
            new Sample("2+2?", "It is 4.", "4", Map.of("category", "math")),
            new Sample("3+3?", "It is 7.", "6", Map.of("category", "math")));

    @Test
    void aCommandScoresTheBatch() throws Exception {
        Path script = dir.resolve("reward.py");
        Files.writeString(script, """
                import json, sys
                for line in sys.stdin:
                    s = json.loads(line)
                    ok = s["answer"] in s["completion"] and s["row"]["category"] == "math"
                    print(json.dumps({"score": 1.0 if ok else 0.0, "reason": "contains " + s["answer"]}))
                """);
        ExternalReward r = new ExternalReward("cmd:python3 " + script, Duration.ofSeconds(30));
        List<Score> s = r.scoreAll(BATCH);
        assertThat(s).extracting(Score::value).containsExactly(1.0, 0.0);
        assertThat(s.get(0).reason()).isEqualTo("contains 4");
        // Through the reward parser, as --rewards gives it, weighted beside a built-in reward.
        Rewards rs = Rewards.parse("accuracy,cmd:python3 " + script, "1,0.5");
        assertThat(rs.scoreAll(BATCH)).extracting(Rewards.Result::total).containsExactly(1.5, 0.0);
    }

    @Test
    void commandFailuresAreOneLine() throws Exception {
        Duration t = Duration.ofSeconds(20);
        assertThatThrownBy(() -> new ExternalReward("cmd:echo broken >&2; exit 3", t).scoreAll(BATCH))
                .hasMessage("reward 'cmd:echo broken >&2; exit 3' exited with status 3: broken");
        assertThatThrownBy(() -> new ExternalReward("cmd:cat > /dev/null; echo 1", t).scoreAll(BATCH))
                .hasMessageContaining("returned 1 scores for 2 samples");
        assertThatThrownBy(() -> new ExternalReward("cmd:cat > /dev/null; echo '\"high\"'; echo 1", t).scoreAll(BATCH))
                .hasMessageContaining("answer 1 is \"high\", not a number");
        // A command that never answers: the timeout ends the wait (a command that ended by itself would have answered
        // "returned 0 scores") and kills it.
        assertThatThrownBy(() -> new ExternalReward("cmd:echo $$ > " + dir.resolve("pid") + "; exec sleep 613", Duration.ofSeconds(1))
                .scoreAll(BATCH)).hasMessageContaining("gave no answer within 1 s");
        long pid = Long.parseLong(java.nio.file.Files.readString(dir.resolve("pid")).strip());
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void anHttpEndpointScoresTheBatch() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/score", ex -> {
            JsonNode batch = new ObjectMapper().readTree(ex.getRequestBody());
            StringBuilder sb = new StringBuilder("{\"scores\": [");
            for (int i = 0; i < batch.size(); i++) sb.append(i > 0 ? "," : "").append(batch.get(i).get("completion").asText().length());
            byte[] body = sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/broken", ex -> {
            byte[] body = "model not loaded".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(503, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            assertThat(new ExternalReward(base + "/score", Duration.ofSeconds(10)).scoreAll(BATCH))
                    .extracting(Score::value).containsExactly(8.0, 8.0);
            assertThatThrownBy(() -> new ExternalReward(base + "/broken", Duration.ofSeconds(10)).scoreAll(BATCH))
                    .hasMessage("reward '" + base + "/broken' answered HTTP 503: model not loaded");
        } finally {
            server.stop(0);
        }
        assertThatThrownBy(() -> new ExternalReward("http://127.0.0.1:1/score", Duration.ofSeconds(5)).scoreAll(BATCH))
                .hasMessageContaining("could not be reached");
    }
}
