package r1j.cli;

/** Bad input from the user (a file, a field, a flag): reported as one line without a stack trace, exit code 2. */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }
}
