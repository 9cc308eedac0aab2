"""Nielsen's chapter 1 network at numpy speed: 784-30-10, one epoch of 50,000 samples.

Nielsen's network.py trains a 784-30-10 sigmoid network with the quadratic
cost C = 1/(2n) Σ_x ‖y(x) − a‖² and mini-batch SGD (batches of 10, η = 3.0)
on 50,000 MNIST images, and reaches about 95 % on MNIST's test images.  The
images here are *not* MNIST: nothing is downloaded, and no package on PyPI
ships MNIST inside its wheel (the MNIST packages fetch it at run time).  They
are synthetic 28×28 "digits", ten blurred stroke patterns, each sample one of
them with its strokes moved a little and pixel noise, so the classes are
learnable but not trivially; the accuracy reached on them says nothing about
MNIST's.

chainrule trains it with ``nn.train(..., backend="numpy")``: the network's
BP1-BP4 as matrix code derived from its layers (see demos/05 for the code it
writes), the weights kept in numpy arrays during the epoch.

Run:  python demos/train_nielsen_784.py [--samples N] [--epochs E]
"""

import argparse
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import nn  # noqa: E402

DATA = ("data: synthetic 28×28 images drawn from ten random stroke patterns (shifted, dimmed, "
        "with pixel noise), not MNIST\n"
        "      (nothing is downloaded); on MNIST, Nielsen's network reaches about 95 % test accuracy")


def stroke_patterns(rng, np):
    """Ten 28×28 patterns, one per class: three soft random strokes each."""
    yy, xx = np.mgrid[0:28, 0:28]
    strokes = []
    for _ in range(10):   # each class: three random strokes (soft line segments)
        image = np.zeros((28, 28))
        for _ in range(3):
            (x0, y0), (x1, y1) = rng.uniform(5, 23, size=(2, 2))
            t = np.linspace(0.0, 1.0, 40)
            for px, py in zip(x0 + t * (x1 - x0), y0 + t * (y1 - y0)):
                image += np.exp(-((xx - px) ** 2 + (yy - py) ** 2) / 4.0)
        strokes.append(image / image.max())
    return strokes


def synthetic_digits(strokes, n, rng, np):
    """``n`` 784-pixel images in [0, 1] (rows) and their labels 0..9: a class's
    pattern moved by up to 5 pixels, dimmed, plus noise."""
    labels = rng.integers(0, 10, size=n)
    shifts = rng.integers(-5, 6, size=(n, 2))
    images = np.empty((n, 784))
    for i, (label, (dy, dx)) in enumerate(zip(labels, shifts)):
        moved = np.roll(np.roll(strokes[label], dy, axis=0), dx, axis=1)
        images[i] = np.clip(moved * rng.uniform(0.4, 1.0) + rng.normal(0.0, 0.2, size=(28, 28)),
                            0.0, 1.0).ravel()
    return images, labels


def accuracy(net, images, labels, np):
    """Share of images whose largest output is the right digit (the matrices directly)."""
    program = net.jit_loss("half_squared_error", backend="numpy")
    a = images.T
    for (W, b) in zip(program.arrays()[0::2], program.arrays()[1::2]):
        a = 1.0 / (1.0 + np.exp(-(W @ a + b)))
    return float(np.mean(a.argmax(axis=0) == labels))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=50_000)
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        import numpy as np
    except ImportError:
        print("this demo needs numpy: pip install 'chainrule[numpy]'")
        return 0
    rng = np.random.default_rng(0)
    strokes = stroke_patterns(rng, np)
    train_x, train_y = synthetic_digits(strokes, args.samples, rng, np)
    test_x, test_y = synthetic_digits(strokes, 10_000 if args.samples >= 10_000 else 1_000,
                                      rng, np)
    targets = np.eye(10)[train_y]
    net = nn.MLP([784, 30, 10], activation="sigmoid", seed=0)
    print(DATA)
    print(f"784-30-10 sigmoid network, quadratic cost, SGD η = 3.0, mini-batches of 10, "
          f"{args.samples:,} training images, {len(test_y):,} test images")
    print(f"test accuracy before training: {accuracy(net, test_x, test_y, np):.1%}")
    start = time.perf_counter()

    def report(epoch, loss):
        print(f"epoch {epoch}: C = {loss:.4f}, test accuracy "
              f"{accuracy(net, test_x, test_y, np):.1%} "
              f"({time.perf_counter() - start:.1f} s so far)")
    nn.train(net, train_x, targets, epochs=args.epochs, lr=3.0, batch=10, shuffle=True,
             seed=0, loss="half_squared_error", progress=False, on_epoch=report,
             backend="numpy")
    print(f"{args.epochs} epoch(s) of {args.samples:,} samples in "
          f"{time.perf_counter() - start:.1f} s with the numpy backend")
    return 0


if __name__ == "__main__":
    sys.exit(main())
