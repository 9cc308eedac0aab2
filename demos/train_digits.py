"""Handwritten digits: a 64-16-10 network learns scikit-learn's 8×8 digits.

The data is the copy of the UCI optical digits that scikit-learn ships
inside its package (``sklearn.datasets.load_digits()``: 1,797 images of
8×8 pixels with intensities 0..16, labels 0..9); nothing is downloaded.
The pixels are divided by 16 so every input lies in [0, 1].  A fixed 25% of
the samples (450, drawn with ``random.Random(0)``) is held out for testing;
the network trains on the other 1,347.

The network: 64 inputs, 16 sigmoid neurons, 10 linear outputs z^3_1..z^3_10
(the logits); the cost of a sample of class t is the softmax cross-entropy
C_x = ln Σ_k e^{z^3_k} − z^3_t, averaged over mini-batches of 10 samples,
shuffled every epoch; SGD with η = 0.5.  The steps run through the jit (the
compiled C_x), which ``nn.train`` uses by default.

Run:  python demos/train_digits.py [--epochs 10] [--samples N] [--out DIR] [--eager]

It prints the test accuracy after every epoch (with a progress bar on a
terminal) and saves the loss curve and a page of test digits with their
predicted labels as PNGs next to the other demos' pictures.  A full run
that does not reach 92% test accuracy exits with status 1.
"""

import argparse
import math
import os
import random
import sys
import time

import _common
import nn

SIZES = [64, 16, 10]
TEST_SHARE = 0.25
SPLIT_SEED, NET_SEED, SHUFFLE_SEED = 0, 1, 0
LR, BATCH, EPOCHS = 0.5, 10, 10
TARGET_ACCURACY = 0.92


def load_digits(n_samples=None):
    """(train_x, train_y, test_x, test_y): pixels / 16 and labels, the test set a
    fixed 25% of the samples (of the first ``n_samples`` when given)."""
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError:
        sys.exit("This demo reads the digits that scikit-learn ships: `make demo` installs "
                 "them (the 'demo' extra: pip install 'chainrule[demo]').")
    data = sklearn_digits()
    images = [[pixel / 16.0 for pixel in row] for row in data.data.tolist()]
    labels = [int(t) for t in data.target.tolist()]
    if n_samples is not None:
        images, labels = images[:n_samples], labels[:n_samples]
    order = list(range(len(images)))
    random.Random(SPLIT_SEED).shuffle(order)
    n_test = math.ceil(TEST_SHARE * len(order))
    test, train = order[:n_test], order[n_test:]
    return ([images[i] for i in train], [labels[i] for i in train],
            [images[i] for i in test], [labels[i] for i in test])


def predicted_class(outputs):
    """The index of the largest output (the most likely digit)."""
    return max(range(len(outputs)), key=outputs.__getitem__)


def accuracy(net, images, labels):
    """The share of ``images`` whose largest output is at the right label."""
    hits = sum(predicted_class(out) == y for out, y in zip(net.predict(images), labels))
    return hits / len(labels)


def save_loss_curve(history, path):
    try:
        written = nn.plot_history(history, path, title="64-16-10 network, digits: "
                                  "softmax cross-entropy per epoch")
    except ImportError as err:
        print(f"loss curve: not drawn ({err})")
        return None
    print(f"loss curve: {written}")
    return written


def save_predictions(net, images, labels, path, count=40):
    """The first ``count`` test digits with the predicted label (red when wrong)."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    outputs = net.predict(images[:count])
    columns = 10
    rows = math.ceil(len(outputs) / columns)
    figure = Figure(figsize=(columns * 0.9, rows * 1.05 + 0.5))
    for i, (image, label, out) in enumerate(zip(images, labels, outputs)):
        axes = figure.add_subplot(rows, columns, i + 1)
        axes.imshow([image[r * 8:(r + 1) * 8] for r in range(8)], cmap="gray_r",
                    vmin=0.0, vmax=1.0)
        guess = predicted_class(out)
        axes.set_title(f"{guess}" if guess == label else f"{guess} (is {label})",
                       fontsize=9, color="black" if guess == label else "red")
        axes.set_xticks([])
        axes.set_yticks([])
    wrong = sum(predicted_class(o) != y for o, y in zip(outputs, labels))
    figure.suptitle(f"the network's guess for the first {len(outputs)} test digits "
                    f"({wrong} wrong, in red)", fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    print(f"test digits and guesses: {path}")
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description="Train a 64-16-10 network on the 8×8 digits.")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--samples", type=int, default=None,
                        help="use only the first N of the 1,797 digits (a quick run)")
    parser.add_argument("--out", help="folder for the pictures (default: $CHAINRULE_OUT_DIR, "
                        "else ./out)")
    parser.add_argument("--eager", action="store_true", help="train without the jit")
    args = parser.parse_args(argv)
    if args.out:
        os.environ["CHAINRULE_OUT_DIR"] = args.out

    _common.title("Handwritten digits: a 64-16-10 network, softmax cross-entropy, SGD",
                  data="scikit-learn's copy of the UCI 8×8 handwritten digits (1,797 images, shipped "
                       "inside its package: nothing is downloaded)")
    train_x, train_y, test_x, test_y = load_digits(args.samples)
    print(f"{len(train_x)} training and {len(test_x)} test digits (8×8 pixels, / 16); "
          f"η = {LR}, mini-batches of {BATCH}, {args.epochs} epochs")
    net = nn.MLP(SIZES, activation=["sigmoid", "linear"], seed=NET_SEED)
    print(f"before training: test accuracy {accuracy(net, test_x, test_y):.1%}")

    def report(epoch, loss):
        print(f"             test accuracy {accuracy(net, test_x, test_y):.1%}")

    start = time.perf_counter()
    history = nn.train(net, train_x, train_y, epochs=args.epochs, lr=LR, batch=BATCH,
                       loss="cross_entropy", shuffle=True, seed=SHUFFLE_SEED, every=1,
                       on_epoch=report, jit=not args.eager)
    seconds = time.perf_counter() - start
    final = accuracy(net, test_x, test_y)
    how = "compiled loss (jit)" if history.jit else "eager engine"
    print(f"\ntest accuracy {final:.1%} after {args.epochs} epochs; training took "
          f"{seconds:.1f} s with the {how}, test evaluations included")
    out = _common.out_dir()
    save_loss_curve(history, out / "digits_loss.png")
    save_predictions(net, test_x, test_y, out / "digits_predictions.png")
    if args.samples is None and final < TARGET_ACCURACY:
        print(f"below the {TARGET_ACCURACY:.0%} this demo promises")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
