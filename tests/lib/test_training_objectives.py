"""GANTrainer with an Objective (losses and a penalty), conditional training, sampling_generator."""

import numpy as np
import pytest
import tensorflow as tf
from tensorflow import keras

from gan_lib import losses, training


def optimizers():
    return dict(generator_optimizer=keras.optimizers.Adam(1e-3),
                discriminator_optimizer=keras.optimizers.Adam(1e-3))


def r1(discriminator, real, fake, seed):
    """R1 (Mescheder et al. 2018) without its gamma/2: mean ||grad_x D(x)||^2 on real data."""
    with tf.GradientTape() as tape:
        tape.watch(real)
        logits = discriminator(real)
    grads = tape.gradient(logits, real)
    return tf.reduce_mean(tf.reduce_sum(tf.square(grads), axis=1))


def test_a_penalty_is_added_to_the_discriminator_loss_with_its_known_value(make_trainer, sampler):
    # A linear D(x) = w x + b has grad_x D = w, so R1 = w^2 exactly, whatever the batch.
    keras.utils.set_random_seed(0)
    linear = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    w_before = float(linear.get_weights()[0][0, 0])
    objective = losses.Objective("bce + R1", losses.minimax_discriminator_loss,
                                 losses.non_saturating_generator_loss, penalty=r1)
    trainer = make_trainer(discriminator=linear, objective=objective)
    weights = []
    history = trainer.fit(sampler, steps=5, batch_size=16, progress=False, callback_every=1,
                          callbacks=[lambda t, s: weights.append(float(t.discriminator.get_weights()[0][0, 0]))])
    arrays = history.as_arrays()
    w_at_step = [w_before] + weights[:-1]  # step t's D update saw the weights before it
    np.testing.assert_allclose(arrays["d_penalty"], np.square(w_at_step), rtol=1e-5)
    # d_loss is the BCE plus the penalty: the same first step without a penalty (same
    # weights, same data) has d_loss smaller by exactly w^2.
    keras.utils.set_random_seed(0)
    same_linear = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    assert float(same_linear.get_weights()[0][0, 0]) == w_before
    plain = make_trainer(discriminator=same_linear).fit(sampler, steps=1, batch_size=16, progress=False)
    assert plain.d_penalty == [0.0]
    np.testing.assert_allclose(arrays["d_loss"][0], plain.d_loss[0] + w_before**2, rtol=1e-5)


def test_the_penalty_gets_a_distinct_stateless_seed_per_discriminator_update(make_trainer, sampler):
    def seeds_of_a_run(seed):
        seeds = []

        def recording(discriminator, real, fake, seed):
            tf.py_function(lambda s: seeds.append(tuple(s.numpy())), [seed], [])
            return tf.constant(0.0)

        objective = losses.Objective("bce", losses.minimax_discriminator_loss,
                                     losses.non_saturating_generator_loss, penalty=recording)
        make_trainer(seed, objective=objective, d_steps=2).fit(sampler, steps=4, batch_size=8, progress=False)
        return seeds

    seeds = seeds_of_a_run(0)
    assert len(seeds) == 8 and len(set(seeds)) == 8
    assert seeds_of_a_run(0) == seeds and not set(seeds_of_a_run(1)) & set(seeds)


def test_a_registered_name_is_its_objective(make_trainer, sampler):
    for name in ("non_saturating", "minimax"):
        by_name = make_trainer(objective=name).fit(sampler, steps=10, batch_size=16, progress=False)
        by_objective = make_trainer(objective=losses.objective(name)).fit(
            sampler, steps=10, batch_size=16, progress=False)
        assert by_name.as_arrays()["g_loss"].tolist() == by_objective.as_arrays()["g_loss"].tolist()
    assert make_trainer().objective.name == "non_saturating"
    smoothed = losses.objective("non_saturating", real_label=0.9)
    assert make_trainer(objective=smoothed).objective.name == "non_saturating(real_label=0.9)"


def test_a_critic_objective_reports_mean_raw_outputs(make_trainer, sampler):
    wasserstein = losses.Objective(
        "wasserstein",
        lambda real, fake: tf.reduce_mean(fake) - tf.reduce_mean(real),
        lambda fake: -tf.reduce_mean(fake),
        probability_outputs=False,
    )
    history = make_trainer(objective=wasserstein).fit(sampler, steps=20, batch_size=16, progress=False)
    arrays = history.as_arrays()
    # d_loss = mean l(fake) - mean l(real) = d_fake - d_real, the critic's raw outputs.
    np.testing.assert_allclose(arrays["d_loss"], arrays["d_fake"] - arrays["d_real"], rtol=1e-5, atol=1e-6)


def test_objective_arguments_are_checked(make_trainer):
    with pytest.raises(TypeError, match="objective must be a loss name"):
        make_trainer(objective=losses.hinge_discriminator_loss)
    with pytest.raises(ValueError, match="loss must be one of"):
        make_trainer(objective="cross_entropy")
    with pytest.raises(ValueError, match="real_label"):
        losses.objective("non_saturating", real_label=0.2)


# ----- conditional training ------------------------------------------------------------
CENTERS = np.array([-2.0, 2.0], np.float32)


def labelled_sample(n, rng):
    """Class y in {0, 1} with probability 1/2; x ~ N(CENTERS[y], 0.3^2)."""
    y = rng.integers(0, 2, n)
    return (CENTERS[y] + 0.3 * rng.standard_normal(n)).astype(np.float32)[:, None], y


def conditional_pair(seed=0, classes=2, noise_dim=3):
    keras.utils.set_random_seed(seed)
    z, y = keras.Input((noise_dim,)), keras.Input((), dtype="int32")
    h = keras.layers.Concatenate()([z, keras.layers.CategoryEncoding(classes, "one_hot")(y)])
    h = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(32)(h))
    G = keras.Model([z, y], keras.layers.Dense(1)(h))
    x, y = keras.Input((1,)), keras.Input((1,), dtype="int32")
    h = keras.layers.Concatenate()([x, keras.layers.CategoryEncoding(classes, "one_hot")(y)])
    h = keras.layers.LeakyReLU(0.2)(keras.layers.Dense(32)(h))
    D = keras.Model([x, y], keras.layers.Dense(1)(h))
    return G, D


def conditional_trainer(seed=0, **kwargs):
    G, D = conditional_pair(seed)
    return training.GANTrainer(G, D, noise_dim=3, num_classes=2, seed=seed, **optimizers(), **kwargs)


def test_a_conditional_gan_learns_each_class():
    trainer = conditional_trainer(ema_decay=0.99)
    trainer.fit(labelled_sample, steps=800, batch_size=64, progress=False)
    z = np.random.default_rng(1).standard_normal((1000, 3)).astype(np.float32)
    for label, center in enumerate(CENTERS):
        x = trainer.sampling_generator([z, np.full(1000, label, np.int32)]).numpy()
        assert abs(float(x.mean()) - center) < 0.6, (label, float(x.mean()))


def test_conditional_training_is_reproducible_from_arrays_samplers_and_datasets():
    first = conditional_trainer().fit(labelled_sample, steps=15, batch_size=16, progress=False)
    second = conditional_trainer().fit(labelled_sample, steps=15, batch_size=16, progress=False)
    assert first.d_loss == second.d_loss
    x, y = labelled_sample(300, np.random.default_rng(0))
    from_arrays = conditional_trainer().fit((x, y), steps=10, batch_size=16, progress=False)
    assert from_arrays.d_loss == conditional_trainer().fit((x, y), steps=10, batch_size=16, progress=False).d_loss
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(300, seed=1).batch(16, drop_remainder=True)
    assert len(conditional_trainer().fit(dataset, steps=10, batch_size=16, progress=False)) == 10


def test_the_fakes_get_the_labels_of_the_real_batch():
    def labels_seen(data):
        seen = {"G": [], "D": []}

        def recording(name):
            class Recording(keras.layers.Layer):
                def call(self, y):
                    tf.py_function(lambda v: seen[name].append(v.numpy().ravel().copy()), [y], [])
                    return y
            return Recording()

        G, D = conditional_pair()
        z, y = G.inputs
        G = keras.Model([z, y], G([z, recording("G")(y)]))
        x, y = D.inputs
        D = keras.Model([x, y], D([x, recording("D")(y)]))
        trainer = training.GANTrainer(G, D, noise_dim=3, num_classes=2, **optimizers())
        trainer.fit(data, steps=1, batch_size=16, progress=False)
        return seen

    # A NumPy sampler: step 0 draws its batch with default_rng((seed, 0)).
    seen = labels_seen(labelled_sample)
    drawn = labelled_sample(16, np.random.default_rng((0, 0)))[1]
    assert len(seen["G"]) == 2 and len(seen["D"]) == 3  # D: real, fake; G update: fake
    for labels in seen["G"] + seen["D"]:
        np.testing.assert_array_equal(labels, drawn)
    # Arrays (rows drawn in the graph): every call sees the real batch's labels.
    seen = labels_seen(labelled_sample(200, np.random.default_rng(0)))
    for labels in seen["G"] + seen["D"][1:]:
        np.testing.assert_array_equal(labels, seen["D"][0])
    assert 0 < seen["D"][0].mean() < 1


def test_conditional_inputs_are_checked(make_trainer, sampler):
    with pytest.raises(ValueError, match=r"\[samples, labels\]"):
        make_trainer(num_classes=2)
    G, D = conditional_pair()
    with pytest.raises(ValueError, match="set num_classes"):
        training.GANTrainer(G, D, noise_dim=3, **optimizers())
    with pytest.raises(ValueError, match="num_classes must be an integer >= 2"):
        training.GANTrainer(G, D, noise_dim=3, num_classes=1, **optimizers())
    trainer = conditional_trainer()
    with pytest.raises(TypeError, match=r"\(x, y\) pairs"):
        trainer.fit(sampler, steps=2, batch_size=8, progress=False)
    x, y = labelled_sample(50, np.random.default_rng(0))
    with pytest.raises(ValueError, match="50 samples but 49 labels"):
        trainer.fit((x, y[:49]), steps=2, batch_size=8, progress=False)
    with pytest.raises(ValueError, match=r"labels must be in 0 \.\. 1"):
        trainer.fit((x, y + 1), steps=2, batch_size=8, progress=False)


def test_sampling_generator_is_the_ema_copy_when_kept(make_trainer):
    plain = make_trainer()
    assert plain.sampling_generator is plain.generator
    averaged = make_trainer(ema_decay=0.9)
    assert averaged.sampling_generator is averaged.ema_generator
    assert averaged.sampling_generator is not averaged.generator
