package r1j.cli;

import picocli.CommandLine.Option;
import r1j.tensor.FrozenDtype;

/** --frozen-dtype stored|q8: the width a frozen model's matrices are held in (a mixin of the generating commands). */
final class FrozenDtypeOption {
    @Option(names = "--frozen-dtype", description = "stored (the checkpoint's own width, default) or q8 (8-bit Q8_0 "
            + "blocks as llama.cpp's: about half the memory and bytes per token of a 16-bit model, with Q8_0's error).")
    String value = FrozenDtype.STORED.key();

    FrozenDtype dtype() {
        try {
            return FrozenDtype.parse(value);
        } catch (IllegalArgumentException e) {
            throw new UserError("--frozen-dtype: " + e.getMessage());
        }
    }
}
