#!/usr/bin/env python
"""API coverage of ember against the PyTorch names a typical program uses.

Usage:  .venv/bin/python tools/api_coverage.py [--missing] [--group NAME] [--check-torch]

The curated lists below are the public names of ``torch``, ``torch.Tensor``, ``torch.autograd``,
``torch.linalg``, ``torch.fft``, ``torch.nn.functional``, ``torch.nn``, ``torch.optim`` and
``torch.utils.data`` that everyday training/inference code calls. Left out on purpose: quantization, sparse
and nested tensors, distributed and backend internals (cudnn_*, mkldnn_*, miopen_*, fbgemm_*), ``_``-prefixed
names, the ``*_copy`` functional variants of views, and deprecated aliases torch itself warns on (symeig,
lstsq, eig, chain_matmul, ...). ``--check-torch`` verifies (when torch is importable) that every curated
name really exists in torch, so the lists cannot drift into typos.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

_SRC = Path(__file__).resolve().parents[1] / "packages" / "core" / "src"
if str(_SRC) not in sys.path:
    sys.path.insert(0, str(_SRC))


def _w(s: str) -> list[str]:
    return s.split()


TORCH = _w("""
abs abs_ absolute acos acosh add addbmm addcdiv addcmul addmm addmv addr adjoint all allclose amax amin
aminmax angle any arange arccos arccosh arcsin arcsinh arctan arctan2 arctanh argmax argmin argsort argwhere
as_strided as_tensor asarray asin asinh atan atan2 atanh atleast_1d atleast_2d atleast_3d baddbmm
bartlett_window bernoulli bincount binomial bitwise_and bitwise_left_shift bitwise_not bitwise_or
bitwise_right_shift bitwise_xor blackman_window block_diag bmm broadcast_shapes broadcast_tensors broadcast_to
bucketize can_cast cartesian_prod cat cdist ceil chunk clamp clamp_max clamp_min clip clone column_stack
combinations complex concat concatenate conj conj_physical copysign corrcoef cos cosh count_nonzero cov cross
cummax cummin cumprod cumsum cumulative_trapezoid deg2rad det detach diag diag_embed diagflat diagonal
diagonal_scatter diff digamma dist div divide dot dsplit dstack einsum empty empty_like empty_strided eq equal
erf erfc erfinv exp exp2 expm1 eye fix flatten flip fliplr flipud float_power floor floor_divide fmax fmin
fmod frac frexp from_numpy frombuffer full full_like gather gcd ge get_default_dtype get_rng_state
gradient greater greater_equal gt hamming_window hann_window heaviside histc histogram histogramdd hsplit
hstack hypot i0 igamma igammac imag index_add index_copy index_fill index_put index_reduce index_select
initial_seed inner inverse is_complex is_floating_point is_grad_enabled is_inference_mode_enabled is_nonzero
is_same_size is_storage is_tensor isclose isfinite isin isinf isnan isneginf isposinf isreal istft
kaiser_window kron kthvalue lcm ldexp le lerp less less_equal lgamma linspace load log log10 log1p log2
log_softmax logaddexp logaddexp2 logcumsumexp logdet logical_and logical_not logical_or logical_xor logit
logspace logsumexp lt lu lu_solve lu_unpack manual_seed masked_fill masked_scatter masked_select matmul
matrix_exp matrix_power max maximum mean median meshgrid min minimum mm mode moveaxis movedim msort mul
multinomial multiply mv mvlgamma nan_to_num nanmean nanmedian nanquantile nansum narrow narrow_copy ne neg
negative nextafter nonzero norm normal not_equal numel ones ones_like outer pdist permute pinverse polar
polygamma positive pow prod promote_types put quantile rad2deg rand rand_like randint randint_like randn
randn_like randperm ravel real reciprocal remainder renorm repeat_interleave reshape resolve_conj resolve_neg
result_type roll rot90 round row_stack rsqrt rsub save scalar_tensor scatter scatter_add scatter_reduce
searchsorted seed select select_scatter set_default_dtype set_grad_enabled set_printoptions set_rng_state sgn
sigmoid sign signbit sin sinc sinh slice_scatter slogdet softmax sort split sqrt square squeeze stack std
std_mean stft sub subtract sum svd swapaxes swapdims t take take_along_dim tan tanh tensor tensor_split
tensordot tile topk trace transpose trapezoid trapz tril tril_indices triu triu_indices true_divide trunc
unbind unflatten unique unique_consecutive unravel_index unsqueeze vander var var_mean vdot view_as_complex
view_as_real vsplit vstack where xlogy zeros zeros_like
no_grad enable_grad inference_mode
dtype device Size Tensor Generator finfo iinfo
float32 float64 float16 bfloat16 int8 int16 int32 int64 uint8 bool complex64 complex128
float double half long int short cfloat cdouble
get_default_device set_default_device use_deterministic_algorithms are_deterministic_algorithms_enabled
get_num_threads set_num_threads is_warn_always_enabled set_float32_matmul_precision
get_float32_matmul_precision compile
""")

TENSOR = _w("""
H T mT mH abs abs_ absolute acos acos_ acosh add add_ addbmm addcdiv addcdiv_ addcmul addcmul_ addmm addmm_
addmv addr adjoint all allclose amax amin aminmax angle any apply_ arccos arcsin arctan arctan2 argmax argmin
argsort argwhere as_strided asin asin_ atan atan2 atan2_ backward baddbmm baddbmm_ bernoulli bernoulli_
bfloat16 bincount bitwise_and bitwise_left_shift bitwise_not bitwise_or bitwise_right_shift bitwise_xor bmm
bool broadcast_to byte cauchy_ cdouble ceil ceil_ cfloat char cholesky chunk clamp clamp_ clamp_max
clamp_max_ clamp_min clamp_min_ clip clip_ clone conj contiguous copy_ copysign copysign_ corrcoef cos cos_
cosh count_nonzero cov cpu cross cuda cummax cummin cumprod cumsum cumsum_ data data_ptr deg2rad det detach
detach_ device diag diag_embed diagflat diagonal diagonal_scatter diff digamma dim dim_order dist div div_
divide dot double dsplit dtype element_size eq eq_ equal erf erf_ erfc erfinv exp exp_ exp2 expand expand_as
expm1 exponential_ fill_ fill_diagonal_ fix flatten flip fliplr flipud float float_power floor floor_
floor_divide fmax fmin fmod frac frexp gather gcd ge geometric_ get_device grad grad_fn greater greater_equal
gt half hardshrink heaviside histc histogram hsplit hypot i0 imag index_add index_add_ index_copy index_copy_
index_fill index_fill_ index_put index_put_ index_reduce index_select inner int inverse is_complex is_conj
is_contiguous is_cpu is_cuda is_floating_point is_inference is_leaf is_meta is_neg is_nonzero is_pinned
is_quantized is_same_size is_set_to is_shared is_signed is_sparse isclose isfinite isinf isnan isneginf
isposinf isreal item itemsize kron kthvalue layout lcm ldexp le le_ lerp lerp_ lgamma log log_ log10 log1p
log1p_ log2 log_normal_ log_softmax logaddexp logaddexp2 logcumsumexp logdet logical_and logical_not
logical_or logical_xor logit logsumexp long lt lt_ lu masked_fill masked_fill_ masked_scatter
masked_scatter_ masked_select matmul matrix_exp matrix_power max maximum mean median min minimum mm mode
moveaxis movedim msort mul mul_ multinomial multiply mv mvlgamma nan_to_num nan_to_num_ nanmean nanmedian
nanquantile nansum narrow narrow_copy nbytes ndim ndimension ne ne_ neg neg_ negative nelement new_empty
new_full new_ones new_tensor new_zeros nextafter nonzero norm normal_ not_equal numel numpy outer output_nr
permute pin_memory pinverse polygamma positive pow pow_ prod put put_ quantile rad2deg random_ ravel real
reciprocal reciprocal_ register_hook register_post_accumulate_grad_hook relu relu_ remainder remainder_
renorm repeat repeat_interleave requires_grad requires_grad_ reshape reshape_as resize_ resize_as_
resolve_conj resolve_neg retain_grad retains_grad roll rot90 round round_ rsqrt rsqrt_ scatter scatter_
scatter_add scatter_add_ scatter_reduce scatter_reduce_ select select_scatter set_ sgn shape share_memory_
short sigmoid sigmoid_ sign sign_ signbit sin sin_ sinc sinh size slice_scatter slogdet softmax sort split
sqrt sqrt_ square square_ squeeze squeeze_ std stft storage_offset stride sub sub_ subtract sum sum_to_size
svd swapaxes swapdims t t_ take take_along_dim tan tanh tanh_ tensor_split tile to tolist topk trace
transpose transpose_ tril tril_ triu triu_ true_divide trunc trunc_ type type_as unbind unflatten unfold
uniform_ unique unique_consecutive unsqueeze unsqueeze_ untyped_storage var vdot view view_as vsplit where
xlogy xlogy_ zero_
""")

AUTOGRAD = _w("""
Function backward grad gradcheck gradgradcheck no_grad enable_grad set_grad_enabled inference_mode
detect_anomaly set_detect_anomaly Variable graph forward_ad functional
functional.jacobian functional.hessian functional.vjp functional.jvp functional.hvp functional.vhp
graph.saved_tensors_hooks graph.save_on_cpu graph.Node
""")

LINALG = _w("""
cholesky cholesky_ex cond cross det diagonal eig eigh eigvals eigvalsh householder_product inv inv_ex
ldl_factor ldl_solve lstsq lu lu_factor lu_factor_ex lu_solve matmul matrix_exp matrix_norm matrix_power
matrix_rank multi_dot norm pinv qr slogdet solve solve_ex solve_triangular svd svdvals tensorinv tensorsolve
vander vecdot vector_norm LinAlgError
""")

FFT = _w("""
fft fft2 fftfreq fftn fftshift hfft hfft2 hfftn ifft ifft2 ifftn ifftshift ihfft ihfft2 ihfftn irfft irfft2
irfftn rfft rfft2 rfftfreq rfftn
""")

FUNCTIONAL = _w("""
adaptive_avg_pool1d adaptive_avg_pool2d adaptive_avg_pool3d adaptive_max_pool1d adaptive_max_pool2d
adaptive_max_pool3d affine_grid alpha_dropout avg_pool1d avg_pool2d avg_pool3d batch_norm bilinear
binary_cross_entropy binary_cross_entropy_with_logits celu conv1d conv2d conv3d conv_transpose1d
conv_transpose2d conv_transpose3d cosine_embedding_loss cosine_similarity cross_entropy ctc_loss dropout
dropout1d dropout2d dropout3d elu embedding embedding_bag feature_alpha_dropout fold gaussian_nll_loss gelu
glu grid_sample group_norm gumbel_softmax hardshrink hardsigmoid hardswish hardtanh hinge_embedding_loss
huber_loss instance_norm interpolate kl_div l1_loss layer_norm leaky_relu linear local_response_norm
log_softmax logsigmoid lp_pool1d lp_pool2d max_pool1d max_pool2d max_pool3d max_unpool1d max_unpool2d
max_unpool3d mish mse_loss multi_head_attention_forward multi_margin_loss multilabel_margin_loss
multilabel_soft_margin_loss nll_loss normalize one_hot pad pairwise_distance pdist pixel_shuffle
pixel_unshuffle poisson_nll_loss prelu relu relu6 rms_norm rrelu scaled_dot_product_attention selu sigmoid
silu smooth_l1_loss soft_margin_loss softmax softmin softplus softshrink softsign tanh tanhshrink threshold
triplet_margin_loss triplet_margin_with_distance_loss unfold channel_shuffle
""")

NN = _w("""
AdaptiveAvgPool1d AdaptiveAvgPool2d AdaptiveAvgPool3d AdaptiveMaxPool1d AdaptiveMaxPool2d AdaptiveMaxPool3d
AlphaDropout AvgPool1d AvgPool2d AvgPool3d BCELoss BCEWithLogitsLoss BatchNorm1d BatchNorm2d BatchNorm3d
Bilinear Buffer CELU CTCLoss ChannelShuffle CircularPad1d CircularPad2d CircularPad3d ConstantPad1d
ConstantPad2d ConstantPad3d Conv1d Conv2d Conv3d ConvTranspose1d ConvTranspose2d ConvTranspose3d
CosineEmbeddingLoss CosineSimilarity CrossEntropyLoss Dropout Dropout1d Dropout2d Dropout3d ELU Embedding
EmbeddingBag FeatureAlphaDropout Flatten Fold GELU GLU GRU GRUCell GaussianNLLLoss GroupNorm Hardshrink
Hardsigmoid Hardswish Hardtanh HingeEmbeddingLoss HuberLoss Identity InstanceNorm1d InstanceNorm2d
InstanceNorm3d KLDivLoss L1Loss LPPool1d LPPool2d LSTM LSTMCell LayerNorm LazyLinear LazyConv1d LazyConv2d
LeakyReLU Linear LocalResponseNorm LogSigmoid LogSoftmax MSELoss MarginRankingLoss MaxPool1d MaxPool2d
MaxPool3d MaxUnpool1d MaxUnpool2d MaxUnpool3d Mish Module ModuleDict ModuleList MultiLabelMarginLoss
MultiLabelSoftMarginLoss MultiMarginLoss MultiheadAttention NLLLoss PReLU PairwiseDistance Parameter
ParameterDict ParameterList PixelShuffle PixelUnshuffle PoissonNLLLoss RMSNorm RNN RNNBase RNNCell ReLU ReLU6
ReflectionPad1d ReflectionPad2d ReflectionPad3d ReplicationPad1d ReplicationPad2d ReplicationPad3d SELU
Sequential SiLU Sigmoid SmoothL1Loss SoftMarginLoss Softmax Softmax2d Softmin Softplus Softshrink Softsign
Tanh Tanhshrink Threshold Transformer TransformerDecoder TransformerDecoderLayer TransformerEncoder
TransformerEncoderLayer TripletMarginLoss TripletMarginWithDistanceLoss Unflatten Unfold
UninitializedParameter Upsample UpsamplingBilinear2d UpsamplingNearest2d ZeroPad1d ZeroPad2d ZeroPad3d
init utils functional parameter
init.uniform_ init.normal_ init.constant_ init.ones_ init.zeros_ init.eye_ init.dirac_ init.xavier_uniform_
init.xavier_normal_ init.kaiming_uniform_ init.kaiming_normal_ init.trunc_normal_ init.orthogonal_
init.sparse_ init.calculate_gain
utils.clip_grad_norm_ utils.clip_grad_value_ utils.parameters_to_vector utils.vector_to_parameters
utils.rnn utils.rnn.pad_sequence utils.rnn.pack_padded_sequence utils.rnn.pad_packed_sequence
utils.rnn.pack_sequence utils.rnn.PackedSequence utils.parametrize utils.weight_norm utils.spectral_norm
utils.parametrizations utils.stateless utils.fuse_conv_bn_eval
""")

OPTIM = _w("""
ASGD Adadelta Adagrad Adam AdamW Adamax LBFGS NAdam Optimizer RAdam RMSprop Rprop SGD lr_scheduler swa_utils
lr_scheduler.LRScheduler lr_scheduler.LambdaLR lr_scheduler.MultiplicativeLR lr_scheduler.StepLR
lr_scheduler.MultiStepLR lr_scheduler.ConstantLR lr_scheduler.LinearLR lr_scheduler.ExponentialLR
lr_scheduler.SequentialLR lr_scheduler.CosineAnnealingLR lr_scheduler.ChainedScheduler
lr_scheduler.ReduceLROnPlateau lr_scheduler.CyclicLR lr_scheduler.CosineAnnealingWarmRestarts
lr_scheduler.OneCycleLR lr_scheduler.PolynomialLR
swa_utils.AveragedModel swa_utils.SWALR swa_utils.update_bn
""")

DATA = _w("""
BatchSampler ChainDataset ConcatDataset DataLoader Dataset IterableDataset RandomSampler Sampler
SequentialSampler StackDataset Subset SubsetRandomSampler TensorDataset WeightedRandomSampler default_collate
default_convert get_worker_info random_split
""")

# group name -> (torch module path, ember module path, curated names)
GROUPS = {
    "torch": ("torch", "ember", TORCH),
    "torch.Tensor": ("torch.Tensor", "ember.Tensor", TENSOR),
    "torch.autograd": ("torch.autograd", "ember.autograd", AUTOGRAD),
    "torch.linalg": ("torch.linalg", "ember.linalg", LINALG),
    "torch.fft": ("torch.fft", "ember.fft", FFT),
    "torch.nn.functional": ("torch.nn.functional", "ember.nn.functional", FUNCTIONAL),
    "torch.nn": ("torch.nn", "ember.nn", NN),
    "torch.optim": ("torch.optim", "ember.optim", OPTIM),
    "torch.utils.data": ("torch.utils.data", "ember.utils.data", DATA),
}


def _resolve(path: str):
    """Import ``a.b.C`` where the tail may be a class attribute (``torch.Tensor``)."""
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for p in parts[i:]:
            obj = getattr(obj, p)
        return obj
    raise ImportError(path)


def _has(root, dotted: str) -> bool:
    """True when ``root.dotted`` exists (submodules imported on demand)."""
    obj = root
    for i, p in enumerate(dotted.split(".")):
        if hasattr(obj, p):
            obj = getattr(obj, p)
            continue
        mod = getattr(obj, "__name__", None)
        if mod is None or not isinstance(obj, type(sys)):
            return False
        try:
            obj = importlib.import_module(f"{mod}.{p}")
        except ImportError:
            return False
    return True


def coverage() -> dict[str, tuple[list[str], list[str]]]:
    """group -> (present names, missing names) in ember."""
    out = {}
    for group, (_, ember_path, names) in GROUPS.items():
        root = _resolve(ember_path)
        present, missing = [], []
        for n in names:
            (present if _has(root, n) else missing).append(n)
        out[group] = (present, missing)
    return out


def check_torch() -> list[str]:
    """Curated names that torch itself lacks (typos or removals); empty when torch is not importable."""
    try:
        import torch  # noqa: F401,PLC0415
    except ImportError:
        return []
    bad = []
    for group, (torch_path, _, names) in GROUPS.items():
        root = _resolve(torch_path)
        bad.extend(f"{group}.{n}" for n in names if not _has(root, n))
    return bad


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--missing", action="store_true", help="print only the missing names")
    ap.add_argument("--group", choices=sorted(GROUPS), help="only this group")
    ap.add_argument("--check-torch", action="store_true", help="verify the curated names exist in torch")
    args = ap.parse_args(argv)
    if args.check_torch:
        bad = check_torch()
        for b in bad:
            print(f"not in torch: {b}")
        if bad:
            return 1
    total_p = total_n = 0
    for group, (present, missing) in coverage().items():
        if args.group and group != args.group:
            continue
        n = len(present) + len(missing)
        total_p += len(present)
        total_n += n
        print(f"== {group}: {len(present)}/{n} ({100.0 * len(present) / max(n, 1):.1f}%)")
        if missing:
            print("  missing: " + " ".join(missing))
        if not args.missing and present:
            print("  present: " + " ".join(present))
    print(f"== total: {total_p}/{total_n} ({100.0 * total_p / max(total_n, 1):.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
