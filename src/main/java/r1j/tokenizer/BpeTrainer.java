package r1j.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns a byte-level BPE from text (Sennrich et al. 2016): start from the 256 byte symbols, repeatedly merge the
 * most frequent adjacent pair of symbols within pre-tokenized pieces (ties to the lexicographically smaller pair),
 * until the vocabulary has the requested size. The pre-tokenizer keeps digit runs of up to three together (as
 * DeepSeek-V3's does), so every number the corpus uses often becomes one token.
 */
public final class BpeTrainer {
    private BpeTrainer() {}

    /** A pair of symbol ids and its current count, for the priority queue (stale entries are skipped). */
    private record Candidate(long count, String a, String b) {}

    public static Tokenizer train(Iterable<String> texts, int vocabSize) {
        int base = SpecialTokens.ALL.size() + 256;
        if (vocabSize < base) throw new IllegalArgumentException("vocab size " + vocabSize + " is below the " + base + " base symbols");
        JsonNode pre = TokenizerJson.worldPreTokenizer();
        PreTokenizer preTokenizer = TokenizerJson.preTokenizer(pre, "world tokenizer");
        java.util.regex.Pattern specials = java.util.regex.Pattern.compile(String.join("|",
                SpecialTokens.ALL.stream().map(java.util.regex.Pattern::quote).toList()));

        Map<String, Long> pieceCounts = new HashMap<>();
        for (String text : texts) {
            for (String segment : specials.split(text)) {
                if (segment.isEmpty()) continue;
                for (String piece : preTokenizer.split(List.of(segment))) pieceCounts.merge(piece, 1L, Long::sum);
            }
        }
        // Words as symbol lists, with their counts.
        List<String> keys = new ArrayList<>(pieceCounts.keySet());
        keys.sort(null);
        int nw = keys.size();
        List<List<String>> words = new ArrayList<>(nw);
        long[] counts = new long[nw];
        for (int i = 0; i < nw; i++) {
            String k = keys.get(i);
            List<String> sym = new ArrayList<>(k.length());
            for (int c = 0; c < k.length(); c++) sym.add(String.valueOf(k.charAt(c)));
            words.add(sym);
            counts[i] = pieceCounts.get(k);
        }
        Map<String, Long> pairCount = new HashMap<>();
        Map<String, Set<Integer>> where = new HashMap<>();
        for (int w = 0; w < nw; w++) addPairs(words.get(w), counts[w], w, pairCount, where);
        PriorityQueue<Candidate> queue = new PriorityQueue<>((x, y) -> x.count() != y.count()
                ? Long.compare(y.count(), x.count())
                : x.a().equals(y.a()) ? x.b().compareTo(y.b()) : x.a().compareTo(y.a()));
        for (var e : pairCount.entrySet()) queue.add(candidate(e.getKey(), e.getValue()));

        List<String[]> merges = new ArrayList<>();
        while (base + merges.size() < vocabSize && !queue.isEmpty()) {
            Candidate c = queue.poll();
            String key = c.a() + '\u0000' + c.b();
            Long now = pairCount.get(key);
            if (now == null || now != c.count()) continue;
            if (now < 2) break;
            merges.add(new String[] {c.a(), c.b()});
            String merged = c.a() + c.b();
            for (int w : new ArrayList<>(where.getOrDefault(key, Set.of()))) {
                List<String> sym = words.get(w);
                removePairs(sym, counts[w], w, pairCount, where, queue);
                List<String> next = new ArrayList<>(sym.size());
                for (int i = 0; i < sym.size(); i++) {
                    if (i + 1 < sym.size() && sym.get(i).equals(c.a()) && sym.get(i + 1).equals(c.b())) {
                        next.add(merged);
                        i++;
                    } else {
                        next.add(sym.get(i));
                    }
                }
                words.set(w, next);
                addPairsQueued(next, counts[w], w, pairCount, where, queue);
            }
        }
        return build(merges, pre);
    }

    private static Candidate candidate(String key, long count) {
        int z = key.indexOf('\u0000');
        return new Candidate(count, key.substring(0, z), key.substring(z + 1));
    }

    private static void addPairs(List<String> sym, long n, int w, Map<String, Long> pc, Map<String, Set<Integer>> where) {
        for (int i = 0; i + 1 < sym.size(); i++) {
            String k = sym.get(i) + '\u0000' + sym.get(i + 1);
            pc.merge(k, n, Long::sum);
            where.computeIfAbsent(k, x -> new HashSet<>()).add(w);
        }
    }

    private static void addPairsQueued(List<String> sym, long n, int w, Map<String, Long> pc, Map<String, Set<Integer>> where,
                                       PriorityQueue<Candidate> queue) {
        Set<String> touched = new HashSet<>();
        for (int i = 0; i + 1 < sym.size(); i++) {
            String k = sym.get(i) + '\u0000' + sym.get(i + 1);
            pc.merge(k, n, Long::sum);
            where.computeIfAbsent(k, x -> new HashSet<>()).add(w);
            touched.add(k);
        }
        for (String k : touched) queue.add(candidate(k, pc.get(k)));
    }

    private static void removePairs(List<String> sym, long n, int w, Map<String, Long> pc, Map<String, Set<Integer>> where,
                                    PriorityQueue<Candidate> queue) {
        Set<String> touched = new HashSet<>();
        for (int i = 0; i + 1 < sym.size(); i++) {
            String k = sym.get(i) + '\u0000' + sym.get(i + 1);
            long left = pc.merge(k, -n, Long::sum);
            if (left <= 0) pc.remove(k);
            Set<Integer> ws = where.get(k);
            if (ws != null) ws.remove(w);
            touched.add(k);
        }
        for (String k : touched) if (pc.containsKey(k)) queue.add(candidate(k, pc.get(k)));
    }

    /** tokenizer.json and tokenizer_config.json of a trained world tokenizer. */
    private static Tokenizer build(List<String[]> merges, JsonNode pre) {
        List<Tokenizer.AddedToken> added = new ArrayList<>();
        for (int i = 0; i < SpecialTokens.ALL.size(); i++) {
            added.add(new Tokenizer.AddedToken(i, SpecialTokens.ALL.get(i), i < SpecialTokens.SPECIAL_COUNT, false, false, false));
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Tokenizer.AddedToken t : added) vocab.put(t.content(), t.id());
        int next = added.size();
        for (int b = 0; b < 256; b++) vocab.put(String.valueOf(ByteLevel.charOf(b)), next++);
        for (String[] m : merges) vocab.putIfAbsent(m[0] + m[1], next++);

        ObjectNode json = TokenizerJson.F.objectNode();
        json.put("version", "1.0");
        json.putNull("truncation");
        json.putNull("padding");
        json.set("added_tokens", Tokenizer.addedJson(added));
        json.putNull("normalizer");
        json.set("pre_tokenizer", pre);
        ObjectNode post = json.putObject("post_processor").put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", SpecialTokens.BOS).put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", SpecialTokens.BOS).put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        ObjectNode st = post.putObject("special_tokens").putObject(SpecialTokens.BOS);
        st.put("id", SpecialTokens.BOS);
        st.putArray("ids").add(0);
        st.putArray("tokens").add(SpecialTokens.BOS);
        json.set("decoder", TokenizerJson.byteLevelDecoder());
        ObjectNode model = json.putObject("model");
        model.put("type", "BPE").putNull("dropout").putNull("unk_token").putNull("continuing_subword_prefix")
                .putNull("end_of_word_suffix").put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
        ObjectNode v = model.putObject("vocab");
        vocab.forEach(v::put);
        ArrayNode m = model.putArray("merges");
        for (String[] mg : merges) m.addArray().add(mg[0]).add(mg[1]);

        Map<String, JsonNode> cfg = new LinkedHashMap<>();
        cfg.put("tokenizer_class", TokenizerJson.F.textNode("PreTrainedTokenizerFast"));
        cfg.put("bos_token", TokenizerJson.F.textNode(SpecialTokens.BOS));
        cfg.put("eos_token", TokenizerJson.F.textNode(SpecialTokens.EOS));
        cfg.put("pad_token", TokenizerJson.F.textNode(SpecialTokens.PAD));
        cfg.put("clean_up_tokenization_spaces", TokenizerJson.F.booleanNode(false));
        cfg.put("model_max_length", TokenizerJson.F.numberNode(4096));
        cfg.put("chat_template", TokenizerJson.F.textNode(Templates.CHAT_JINJA));
        return Tokenizer.of(json, cfg);
    }
}
