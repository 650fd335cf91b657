"""Realistic PyTorch programs used by the end-to-end parity tests.

Every module defines ``run(torch) -> dict``: the program is written against the torch API only and receives the
library module as a parameter, so the identical code runs under ``torch`` and under ``ember``. Initial weights and
data come from NumPy (never from a library RNG) so both runs start from the same numbers. A module may also define
``check(result)`` with library-independent sanity checks, ``RTOL``/``ATOL`` for the cross-library comparison and
``SAME_WITHIN`` (pairs of keys that must be equal inside one library's result).
"""

PROGRAMS = [
    "linreg_sgd",
    "mlp_classifier",
    "cnn_batchnorm",
    "custom_function",
    "char_lstm",
    "transformer_classifier",
    "tensor_gymnastics",
    "gru_packed",
    "state_dict_roundtrip",
    "dataloader_training",
    "conv_autoencoder",
    "causal_lm_block",
    "module_api",
    "grad_tricks",
    "error_parity",
    "per_sample_grads",
    "gp_regression",
    "optimizer_zoo",
    "loss_zoo",
    "printing_dtypes",
    "seq2seq_transformer",
    "nn_tutorial",
    "vae",
    "dcgan",
    "word_lm",
    "finetune",
    "feature_hooks",
    "attn_seq2seq",
    "numerical_recipes",
    "graph_conv",
    "autograd_utilities",
    "spatial_transformer",
    "tut_tensors",
    "tut_autograd",
    "tut_build_nn",
    "tut_optimization",
    "tut_save_load",
    "tut_zero_grad_state_dict",
    "tut_custom_dataset",
    "tut_where_gather_casting",
    "vit_patch",
    "model_surgery",
    "imbalanced_data",
    "einsum_attention",
    "seq_cnn_gru",
    "metric_utils",
]
