package r1j.train;

import java.lang.reflect.RecordComponent;

/**
 * Withers for the settings records (whose component names are their config.json keys): a copy of a record with one
 * component replaced. Each config's typed {@code withX} methods call this, so no caller spells out a constructor of
 * twenty positional arguments and adding a setting touches one record.
 */
public final class Records {
    private Records() {}

    @SuppressWarnings("unchecked")
    public static <R extends Record> R with(R record, String component, Object value) {
        RecordComponent[] cs = record.getClass().getRecordComponents();
        Object[] args = new Object[cs.length];
        Class<?>[] types = new Class<?>[cs.length];
        boolean found = false;
        try {
            for (int i = 0; i < cs.length; i++) {
                types[i] = cs[i].getType();
                found |= cs[i].getName().equals(component);
                args[i] = cs[i].getName().equals(component) ? value : cs[i].getAccessor().invoke(record);
            }
            if (!found) throw new IllegalArgumentException(record.getClass().getSimpleName() + " has no setting '" + component + "'");
            return (R) record.getClass().getDeclaredConstructor(types).newInstance(args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
