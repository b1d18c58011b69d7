package r1j.io;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Errors as the one line r1j prints for them. */
public final class IoErrors {
    private IoErrors() {}

    /**
     * The exception's message; for a file-system error, its file and the reason, which Java leaves out of some
     * (AccessDeniedException's message is the path alone).
     */
    public static String describe(Throwable ex) {
        if (ex instanceof FileSystemException f) {
            String reason = f.getReason() != null ? f.getReason() : switch (f) {
                case AccessDeniedException a -> "permission denied";
                case NoSuchFileException n -> "no such file or folder";
                case FileAlreadyExistsException e -> "already exists";
                case NotDirectoryException d -> "not a folder";
                default -> f.getClass().getSimpleName();
            };
            return (f.getFile() != null ? f.getFile() : "") + (f.getOtherFile() != null ? " → " + f.getOtherFile() : "") + ": " + reason;
        }
        return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
    }
}
