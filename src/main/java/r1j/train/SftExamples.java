package r1j.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import r1j.data.Datasets;
import r1j.tensor.Seeds;
import r1j.tokenizer.ChatTemplate;
import r1j.tokenizer.ModelChatFormat;
import r1j.tokenizer.PromptFormat;
import r1j.tokenizer.SpecialTokens;
import r1j.tokenizer.Tokenizer;

/**
 * SFT data as token rows with a completion-only loss (TRL's completion_only_loss / assistant_only_loss): an example
 * is its prompt rendered through the template, then the completion and EOS; only the completion's tokens (and the
 * EOS that ends it) are targets, the prompt's targets are -1. Chat rows ({@code messages}) are rendered in the chat
 * format and every assistant turn is a target. Examples are packed whole, in a seeded order per epoch, into rows of
 * seq tokens; the rest of a row is padding with no targets. An example longer than a row is cut to it and counted.
 * As in TRL's packing without position ids, a packed example can attend to the one before it in its row.
 */
public final class SftExamples {
    /** One example: token ids and, per position, whether the next token is a target. */
    public record Encoded(int[] ids, boolean[] trained) {
        int targets() {
            int n = 0;
            for (boolean b : trained) if (b) n++;
            return n;
        }
    }

    /** A batch: ids and next-token targets (-1: no loss), rows of seq tokens. */
    public record Batch(int[] ids, int[] targets, int rows, int seq, int targetTokens) {}

    private final List<Encoded> examples;
    private final int seq;
    private final int pad;
    private final int truncated;

    public SftExamples(List<Datasets.Example> rows, Tokenizer tok, PromptFormat template, int seq) {
        this.seq = seq;
        Integer p = tok.id(SpecialTokens.PAD);
        this.pad = p != null ? p : tok.eosId();
        List<Encoded> out = new ArrayList<>();
        int cut = 0;
        for (Datasets.Example e : rows) {
            Encoded enc = encode(e, tok, template);
            if (enc.ids.length > seq + 1) {
                enc = new Encoded(Arrays.copyOf(enc.ids, seq + 1), Arrays.copyOf(enc.trained, seq + 1));
                cut++;
            }
            if (enc.targets() > 0) out.add(enc);
        }
        this.examples = out;
        this.truncated = cut;
    }

    public static Encoded encode(Datasets.Example e, Tokenizer tok, PromptFormat template) {
        int eos = tok.eosId();
        TokenStream.IntBuffer ids = new TokenStream.IntBuffer();
        List<Boolean> trained = new ArrayList<>();
        if (e.messages() != null && template instanceof ModelChatFormat mf) {
            // The model's own template renders the conversation; only the assistant turns are targets.
            List<ChatTemplate.Message> ms = new ArrayList<>();
            for (Datasets.Message m : e.messages()) ms.add(new ChatTemplate.Message(m.role(), m.content()));
            try {
                for (ModelChatFormat.Span sp : mf.spans(ms)) add(ids, trained, tok.encode(sp.text(), false), sp.assistant());
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("line " + e.line() + ": " + ex.getMessage());
            }
        } else if (e.messages() != null) {
            Integer bos = tok.bosId();
            if (bos != null) add(ids, trained, new int[] {bos}, false);
            for (Datasets.Message m : e.messages()) {
                switch (m.role()) {
                    case "user" -> add(ids, trained, tok.encode(SpecialTokens.USER + m.content(), false), false);
                    case "assistant" -> {
                        add(ids, trained, tok.encode(SpecialTokens.ASSISTANT, false), false);
                        add(ids, trained, tok.encode(m.content(), false), true);
                        add(ids, trained, new int[] {eos}, true);
                    }
                    default -> add(ids, trained, tok.encode(m.content(), false), false);
                }
            }
        } else {
            if (e.completion() == null) {
                throw new IllegalArgumentException("line " + e.line() + ": SFT needs 'completion' (or 'messages'), not 'answer'");
            }
            add(ids, trained, template.encodePrompt(tok, e.prompt()), false);
            add(ids, trained, tok.encode(e.completion(), false), true);
            add(ids, trained, template instanceof ModelChatFormat ? tok.encode(template.completionEnd(), false) : new int[] {eos}, true);
        }
        // trained[i] says token i is a target; as a next-token mask it is shifted by one: position i predicts i+1.
        boolean[] next = new boolean[ids.n];
        for (int i = 0; i + 1 < ids.n; i++) next[i] = trained.get(i + 1);
        return new Encoded(ids.toArray(), next);
    }

    private static void add(TokenStream.IntBuffer ids, List<Boolean> trained, int[] tokens, boolean target) {
        for (int t : tokens) {
            ids.add(t);
            trained.add(target);
        }
    }

    public int size() {
        return examples.size();
    }

    public int truncated() {
        return truncated;
    }

    /** The packed rows of one epoch: example indices per row, in the epoch's seeded order. */
    public List<int[]> rowsOfEpoch(int epoch, long seed) {
        int[] order = Seeds.permutation(examples.size(), Seeds.mix(seed, epoch, 31));
        List<int[]> rows = new ArrayList<>();
        TokenStream.IntBuffer row = new TokenStream.IntBuffer();
        int used = 0;
        for (int idx : order) {
            int len = examples.get(idx).ids.length - 1; // input tokens: the last token is only a target
            if (used > 0 && used + len > seq) {
                rows.add(row.toArray());
                row = new TokenStream.IntBuffer();
                used = 0;
            }
            row.add(idx);
            used += len;
        }
        if (row.n > 0) rows.add(row.toArray());
        return rows;
    }

    /** The batch of the given packed rows. */
    public Batch batch(List<int[]> rows) {
        int b = rows.size();
        int[] ids = new int[b * seq], targets = new int[b * seq];
        Arrays.fill(ids, pad);
        Arrays.fill(targets, -1);
        int counted = 0;
        for (int r = 0; r < b; r++) {
            int at = r * seq;
            for (int idx : rows.get(r)) {
                Encoded e = examples.get(idx);
                int len = Math.min(e.ids.length - 1, seq - (at - r * seq));
                for (int i = 0; i < len; i++) {
                    ids[at + i] = e.ids[i];
                    if (e.trained[i]) {
                        targets[at + i] = e.ids[i + 1];
                        counted++;
                    }
                }
                at += len;
            }
        }
        return new Batch(ids, targets, b, seq, counted);
    }
}
