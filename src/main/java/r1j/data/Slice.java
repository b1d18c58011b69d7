package r1j.data;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One way to group a task's rows for the evaluation's tables (pass@1 by difficulty, by language, …): a name and each
 * row's group (null: the row is in no group). A task defines its own; {@link #field} groups by a metadata field the
 * rows carry, and {@link World#SLICES} are the miniature world's.
 */
public interface Slice {
    /** The slice's name, the prefix of its rows in the tables ({@code difficulty=5}). */
    String name();

    /** The row's group, or null. */
    String of(Datasets.Example row);

    /** Rows grouped by the value of one metadata field (rows without it are in no group). */
    static Slice field(String field) {
        return new Slice() {
            @Override
            public String name() {
                return field;
            }

            @Override
            public String of(Datasets.Example row) {
                Object v = row.meta().get(field);
                return v == null ? null : v.toString();
            }
        };
    }

    /** One slice per named metadata field, in order. */
    static List<Slice> fields(List<String> names) {
        List<Slice> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String n : names) if (seen.add(n)) out.add(field(n));
        return out;
    }
}
