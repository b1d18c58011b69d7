package r1j.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Byte-level BPE (Sennrich et al. 2016; GPT-2): a piece's characters are merged pair by pair, always the adjacent
 * pair whose merge was learned first, until no learned merge applies; the resulting symbols are looked up in the
 * vocabulary. Results are cached per piece.
 */
public final class Bpe {
    private final Map<String, Integer> vocab;
    private final String[] byId;
    private final List<String[]> merges;
    private final Map<String, Integer> rank = new HashMap<>();
    private final boolean ignoreMerges;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    public Bpe(Map<String, Integer> vocab, List<String[]> merges, boolean ignoreMerges) {
        this.vocab = new LinkedHashMap<>(vocab);
        this.merges = new ArrayList<>(merges);
        this.ignoreMerges = ignoreMerges;
        int max = -1;
        for (int id : vocab.values()) max = Math.max(max, id);
        byId = new String[max + 1];
        for (var e : vocab.entrySet()) byId[e.getValue()] = e.getKey();
        for (int i = 0; i < merges.size(); i++) rank.putIfAbsent(pairKey(merges.get(i)[0], merges.get(i)[1]), i);
    }

    private static String pairKey(String a, String b) {
        return a + '\u0000' + b;
    }

    public Map<String, Integer> vocab() {
        return vocab;
    }

    public List<String[]> merges() {
        return merges;
    }

    public boolean ignoreMerges() {
        return ignoreMerges;
    }

    /** The token string of id, or null. */
    public String token(int id) {
        return id >= 0 && id < byId.length ? byId[id] : null;
    }

    public Integer id(String token) {
        return vocab.get(token);
    }

    public int maxId() {
        return byId.length - 1;
    }

    /** Token ids of one pre-tokenized piece (already in the byte alphabet). */
    public int[] encode(String piece) {
        int[] hit = cache.get(piece);
        if (hit != null) return hit;
        int[] ids = encodeUncached(piece);
        if (cache.size() < 200_000) cache.put(piece, ids);
        return ids;
    }

    private int[] encodeUncached(String piece) {
        if (ignoreMerges) {
            Integer whole = vocab.get(piece);
            if (whole != null) return new int[] {whole};
        }
        List<String> sym = new ArrayList<>(piece.length());
        for (int i = 0; i < piece.length(); ) {
            int cp = piece.codePointAt(i);
            int n = Character.charCount(cp);
            sym.add(piece.substring(i, i + n));
            i += n;
        }
        while (sym.size() > 1) {
            int best = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < sym.size(); i++) {
                Integer r = rank.get(pairKey(sym.get(i), sym.get(i + 1)));
                if (r != null && r < best) best = r;
            }
            if (best == Integer.MAX_VALUE) break;
            String a = merges.get(best)[0], b = merges.get(best)[1];
            List<String> next = new ArrayList<>(sym.size());
            for (int i = 0; i < sym.size(); i++) {
                if (i + 1 < sym.size() && sym.get(i).equals(a) && sym.get(i + 1).equals(b)) {
                    next.add(a + b);
                    i++;
                } else {
                    next.add(sym.get(i));
                }
            }
            sym = next;
        }
        int[] ids = new int[sym.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = vocab.get(sym.get(i));
            if (id == null) throw new IllegalArgumentException("the text's symbol '" + sym.get(i) + "' is not in the tokenizer's vocabulary (no unk_token)");
            ids[i] = id;
        }
        return ids;
    }
}
