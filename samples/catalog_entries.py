"""The variant and mutant catalogs.

Each entry rewrites one graded function of the reference solution by plain text
edits (old -> new, each `old` must occur in the reference block) and, for
tampering entries, adds top-level code to the solution cell. Variants are
correct solutions written differently: full marks and "All checks passed".
Mutants are mistakes students make: they must lose the points of that function
in the hidden tests, and the self-check must name the mistake (`hint`, a
case-insensitive substring of the self-check's output).
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    id: str
    function: str
    edits: tuple = ()
    prelude: str = ""          # code put before the function in the solution cell (tampering)
    hint: str = None           # mutants: substring expected in the self-check output
    kind: str = "mutant"
    self_check_catches: bool = True  # False: only the hidden tests can catch it (e.g. hard-coded output)
    also_says: tuple = ()      # mutants: more substrings the self-check output must hold (the assignment tests)


def V(id, function, *edits, prelude=""):
    return Entry(id, function, tuple(edits), prelude=prelude, kind="variant")


def M(id, function, *edits, hint=None, prelude="", self_check_catches=True, also_says=()):
    return Entry(id, function, tuple(edits), prelude=prelude, hint=hint, kind="mutant",
                 self_check_catches=self_check_catches, also_says=tuple(also_says))


# reference lines the edits refer to
Z_W = 'parameters["W" + str(l)] = np.zeros((layers_dims[l], layers_dims[l - 1]))'
Z_B = 'parameters["b" + str(l)] = np.zeros((layers_dims[l], 1))'
R_W = 'parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * 10'
H_W = 'parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(2 / layers_dims[l - 1])'
SEED3 = 'np.random.seed(3)  # fixed seed: your numbers must match the expected ones'
L2 = ('L2_regularization_cost = lambd / (2 * m) * (np.sum(np.square(W1)) + np.sum(np.square(W2)) + '
      'np.sum(np.square(W3)))')
DW3 = "dW3 = 1. / m * np.dot(dZ3, A2.T) + lambd / m * W3"
DW2 = "dW2 = 1. / m * np.dot(dZ2, A1.T) + lambd / m * W2"
DW1 = "dW1 = 1. / m * np.dot(dZ1, X.T) + lambd / m * W1"
D1_DRAW = "D1 = np.random.rand(A1.shape[0], A1.shape[1])  # step 1: uniform numbers, same shape as A1"
D1_CUT = "D1 = (D1 < keep_prob).astype(int)              # step 2: 1 with probability keep_prob, else 0"
A1_MASK = "A1 = A1 * D1                                   # step 3: switch the dropped units off"
A1_SCALE = "A1 = A1 / keep_prob                            # step 4: scale the survivors up"
D2_DRAW = "D2 = np.random.rand(A2.shape[0], A2.shape[1])"
D2_CUT = "D2 = (D2 < keep_prob).astype(int)"
A2_MASK = "A2 = A2 * D2"
A2_SCALE = "A2 = A2 / keep_prob"
SEED1 = "np.random.seed(1)  # same masks every call: keeps the results reproducible"
DA2_MASK = "dA2 = dA2 * D2          # step 1: the units dropped going forward get no gradient"
DA2_SCALE = "dA2 = dA2 / keep_prob   # step 2: same scaling as in the forward pass"
DA1_MASK = "dA1 = dA1 * D1"
DA1_SCALE = "dA1 = dA1 / keep_prob"
GAPPROX = "gradapprox = (J_plus - J_minus) / (2 * epsilon)"
NUM = "numerator = np.linalg.norm(grad - gradapprox)"
DEN = "denominator = np.linalg.norm(grad) + np.linalg.norm(gradapprox)"
DIFF = "difference = numerator / denominator"
TP_COPY = "thetaplus = np.copy(parameters_values)"
TM_COPY = "thetaminus = np.copy(parameters_values)"
TP_STEP = "thetaplus[i][0] = thetaplus[i][0] + epsilon"
TM_STEP = "thetaminus[i][0] = thetaminus[i][0] - epsilon"
GAPPROX_N = "gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 * epsilon)"
JP_N = "J_plus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(thetaplus))"
JM_N = "J_minus[i], _ = forward_propagation_n(X, Y, vector_to_dictionary(thetaminus))"

ZEROS, RANDOM, HE = "initialize_parameters_zeros", "initialize_parameters_random", "initialize_parameters_he"
COST, BACK_L2 = "compute_cost_with_regularization", "backward_propagation_with_regularization"
FWD_DO, BACK_DO = "forward_propagation_with_dropout", "backward_propagation_with_dropout"
FWD1, BACK1, GC1, GCN = "forward_propagation", "backward_propagation", "gradient_check", "gradient_check_n"

VARIANTS = [
    V("zeros_list_shape", ZEROS, (Z_W, 'parameters["W" + str(l)] = np.zeros([layers_dims[l], layers_dims[l - 1]])'),
      (Z_B, 'parameters["b" + str(l)] = np.zeros([layers_dims[l], 1])')),
    V("zeros_fstring_keys", ZEROS, (Z_W, 'parameters[f"W{l}"] = np.zeros((layers_dims[l], layers_dims[l - 1]))'),
      (Z_B, 'parameters[f"b{l}"] = np.zeros(shape=(layers_dims[l], 1))')),
    V("zeros_dict_comprehension", ZEROS, (Z_W, 'parameters.update({"W%d" % l: np.zeros((layers_dims[l], '
                                                'layers_dims[l - 1])), "b%d" % l: np.zeros((layers_dims[l], 1))})'),
      (Z_B, "pass")),
    V("random_times_first", RANDOM, (R_W, 'parameters["W" + str(l)] = 10 * np.random.randn(layers_dims[l], '
                                          'layers_dims[l - 1])')),
    V("random_standard_normal", RANDOM, (R_W, 'parameters["W" + str(l)] = np.random.standard_normal('
                                              '(layers_dims[l], layers_dims[l - 1])) * 10.0')),
    V("he_sqrt_2_dot", HE, (H_W, 'parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) '
                                 '* np.sqrt(2. / layers_dims[l - 1])')),
    V("he_power_half", HE, (H_W, 'parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) '
                                 '* (2 / layers_dims[l - 1]) ** 0.5')),
    V("he_divide_sqrt", HE, (H_W, 'parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) '
                                  '/ np.sqrt(layers_dims[l - 1] / 2)')),
    V("he_zeros_list_and_fstring", HE, (H_W, 'parameters[f"W{l}"] = np.random.randn(layers_dims[l], '
                                             'layers_dims[l - 1]) * np.sqrt(2 / layers_dims[l - 1])'),
      (Z_B, 'parameters[f"b{l}"] = np.zeros([layers_dims[l], 1])')),
    V("l2_norm_squared", COST, (L2, "L2_regularization_cost = lambd / (2 * m) * (np.linalg.norm(W1) ** 2 + "
                                    "np.linalg.norm(W2) ** 2 + np.linalg.norm(W3) ** 2)")),
    V("l2_pow_sum", COST, (L2, "L2_regularization_cost = (lambd / (2 * m)) * ((W1 ** 2).sum() + (W2 ** 2).sum() + "
                               "(W3 ** 2).sum())")),
    V("l2_generator_over_layers", COST, (L2, 'L2_regularization_cost = lambd * sum(np.sum(np.square(parameters["W%d" '
                                             '% l])) for l in (1, 2, 3)) / (2 * m)')),
    V("l2_one_over_m_times", COST, (L2, "L2_regularization_cost = 1 / m * lambd / 2 * (np.sum(W1 * W1) + "
                                        "np.sum(W2 * W2) + np.sum(W3 * W3))")),
    V("l2_backward_matmul", BACK_L2, (DW3, "dW3 = dZ3 @ A2.T / m + lambd / m * W3"),
      (DW2, "dW2 = dZ2 @ A1.T / m + lambd / m * W2"), (DW1, "dW1 = dZ1 @ X.T / m + lambd / m * W1")),
    V("l2_backward_factored", BACK_L2, (DW3, "dW3 = (np.dot(dZ3, A2.T) + lambd * W3) / m"),
      (DW2, "dW2 = (np.dot(dZ2, A1.T) + lambd * W2) / m"), (DW1, "dW1 = (np.dot(dZ1, X.T) + lambd * W1) / m")),
    V("dropout_bool_mask", FWD_DO, (D1_CUT, "D1 = D1 < keep_prob"), (D2_CUT, "D2 = D2 < keep_prob")),
    V("dropout_inplace", FWD_DO, (A1_MASK, "A1 *= D1"), (A1_SCALE, "A1 /= keep_prob"), (A2_MASK, "A2 *= D2"),
      (A2_SCALE, "A2 /= keep_prob")),
    V("dropout_one_line", FWD_DO, (A1_MASK, "A1 = A1 * D1 / keep_prob"), (A1_SCALE, ""),
      (A2_MASK, "A2 = np.multiply(A2, D2) / keep_prob"), (A2_SCALE, "")),
    V("dropout_star_shape", FWD_DO, (D1_DRAW, "D1 = np.random.rand(*A1.shape)"),
      (D2_DRAW, "D2 = np.random.rand(*A2.shape)"), (D1_CUT, "D1 = (D1 < keep_prob) * 1"),
      (D2_CUT, "D2 = np.where(D2 < keep_prob, 1, 0)")),
    V("dropout_backward_one_line", BACK_DO, (DA2_MASK, "dA2 = dA2 * D2 / keep_prob"), (DA2_SCALE, ""),
      (DA1_MASK, "dA1 = np.multiply(dA1, D1) / keep_prob"), (DA1_SCALE, "")),
    V("dropout_backward_inplace", BACK_DO, (DA2_MASK, "dA2 *= D2"), (DA2_SCALE, "dA2 /= keep_prob"),
      (DA1_MASK, "dA1 *= D1"), (DA1_SCALE, "dA1 /= keep_prob")),
    V("forward_multiply", FWD1, ("J = theta * x", "J = np.multiply(x, theta)")),
    V("backward_float", BACK1, ("dtheta = x", "dtheta = 1.0 * x")),
    V("gc_abs_for_scalars", GC1, (NUM, "numerator = abs(grad - gradapprox)"),
      (DEN, "denominator = abs(grad) + abs(gradapprox)")),
    V("gc_one_line_and_halves", GC1, (GAPPROX, "gradapprox = (J_plus - J_minus) / 2 / epsilon"),
      (DIFF, "difference = np.linalg.norm(grad - gradapprox) / (np.linalg.norm(grad) + np.linalg.norm(gradapprox))")),
    V("gcn_ord_2", GCN, (NUM, "numerator = np.linalg.norm(grad - gradapprox, ord=2)"),
      (DEN, "denominator = np.linalg.norm(grad, ord=2) + np.linalg.norm(gradapprox, ord=2)")),
    V("gcn_vectorized_step", GCN, (TP_COPY, "step = np.zeros_like(parameters_values); step[i, 0] = epsilon"),
      (TP_STEP, "thetaplus = parameters_values + step"), (TM_COPY, ""),
      (TM_STEP, "thetaminus = parameters_values - step")),
    V("gcn_flat_index", GCN, (TP_STEP, "thetaplus[i] += epsilon"), (TM_STEP, "thetaminus[i] -= epsilon"),
      (GAPPROX_N, "gradapprox[i] = (J_plus[i] - J_minus[i]) / 2 / epsilon")),
    V("gcn_sqrt_of_squares", GCN, (NUM, "numerator = np.sqrt(np.sum((grad - gradapprox) ** 2))"),
      (DEN, "denominator = np.sqrt(np.sum(grad ** 2)) + np.sqrt(np.sum(gradapprox ** 2))")),
]

MUTANTS = [
    # --- Initialization
    M("zeros_rank1_bias", ZEROS, (Z_B, 'parameters["b" + str(l)] = np.zeros(layers_dims[l])'), hint="shape"),
    M("zeros_transposed", ZEROS, (Z_W, 'parameters["W" + str(l)] = np.zeros((layers_dims[l - 1], layers_dims[l]))'),
      hint="shape"),
    M("zeros_ones", ZEROS, (Z_W, 'parameters["W" + str(l)] = np.ones((layers_dims[l], layers_dims[l - 1]))'),
      hint="zero"),
    M("zeros_small_random", ZEROS, (Z_W, 'parameters["W" + str(l)] = np.random.randn(layers_dims[l], '
                                         'layers_dims[l - 1]) * 0.01'), hint="zero"),
    M("random_not_times_10", RANDOM, (R_W, 'parameters["W" + str(l)] = np.random.randn(layers_dims[l], '
                                           'layers_dims[l - 1])'), hint="not multiplied by 10"),
    M("random_times_100", RANDOM, (R_W, 'parameters["W" + str(l)] = np.random.randn(layers_dims[l], '
                                        'layers_dims[l - 1]) * 100'), hint="multiplied by 100"),
    M("random_bias_not_zero", RANDOM, (Z_B, 'parameters["b" + str(l)] = np.random.randn(layers_dims[l], 1)'),
      hint="bias"),
    M("random_transposed", RANDOM, (R_W, 'parameters["W" + str(l)] = np.random.randn(layers_dims[l - 1], '
                                         'layers_dims[l]) * 10'), hint="shape"),
    M("random_other_seed", RANDOM, (SEED3, "np.random.seed(1)"), hint="another seed"),
    M("random_no_seed", RANDOM, (SEED3, "pass"), hint="seed the generator inside the function"),
    M("he_xavier", HE, (H_W, 'parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * '
                             'np.sqrt(1 / layers_dims[l - 1])'), hint="sqrt(2"),
    M("he_current_layer", HE, (H_W, 'parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) '
                                    '* np.sqrt(2 / layers_dims[l])'), hint="current layer"),
    M("he_unscaled", HE, (H_W, 'parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1])'),
      hint="not scaled"),
    M("he_bias_random", HE, (Z_B, 'parameters["b" + str(l)] = np.random.randn(layers_dims[l], 1) * 0.01'),
      hint="bias"),
    M("he_reseed_in_loop", HE, (H_W, "np.random.seed(3)\n        " + H_W), hint="reset inside the loop"),
    M("he_no_seed", HE, (SEED3, "pass"), hint="seed the generator inside the function"),
    M("he_transposed", HE, (H_W, 'parameters["W" + str(l)] = np.random.randn(layers_dims[l - 1], layers_dims[l]).T '
                                 '* np.sqrt(2 / layers_dims[l - 1])'), hint="transposed draw"),
    M("he_hard_coded_visible_output", HE, ("    np.random.seed(3)", "    return {'W1': np.array([[1.78862847, "
       "0.43650985], [0.09649747, -1.8634927], [-0.2773882, -0.35475898], [-0.08274148, -0.62700068]]), "
       "'b1': np.zeros((4, 1)), 'W2': np.array([[-0.03098412, -0.33744411, -0.92904268, 0.62552248]]), "
       "'b2': np.zeros((1, 1))}\n    np.random.seed(3)"), self_check_catches=False),
    # --- L2 regularization
    M("l2_missing_one_over_m", COST, (L2, "L2_regularization_cost = lambd / 2 * (np.sum(np.square(W1)) + "
                                          "np.sum(np.square(W2)) + np.sum(np.square(W3)))"), hint="1/m",
      also_says=("the 1/m is missing",)),
    M("l2_missing_half", COST, (L2, "L2_regularization_cost = lambd / m * (np.sum(np.square(W1)) + "
                                    "np.sum(np.square(W2)) + np.sum(np.square(W3)))"), hint="1/2",
      also_says=("the 1/2 is missing",)),
    M("l2_sums_biases_too", COST, (L2, L2 + ' + lambd / (2 * m) * (np.sum(np.square(parameters["b1"])) + '
                                       'np.sum(np.square(parameters["b2"])) + np.sum(np.square(parameters["b3"])))'),
      hint="bias",
      also_says=("biases b1, b2, b3 were penalised",)),
    M("l2_linear_in_W", COST, (L2, "L2_regularization_cost = lambd / m * (np.sum(W1) + np.sum(W2) + np.sum(W3))"),
      hint="not squared"),
    M("l2_term_missing", COST, (L2, "L2_regularization_cost = 0"), hint="L2 penalty is missing",
      also_says=("the L2 penalty is missing",)),
    M("l2_forgets_W3", COST, (L2, "L2_regularization_cost = lambd / (2 * m) * (np.sum(np.square(W1)) + "
                                  "np.sum(np.square(W2)))"), hint="squares of W3",
      also_says=("the squares of W3 are not in the penalty",)),
    M("l2_backward_no_reg_term", BACK_L2, (DW3, "dW3 = 1. / m * np.dot(dZ3, A2.T)"),
      (DW2, "dW2 = 1. / m * np.dot(dZ2, A1.T)"), (DW1, "dW1 = 1. / m * np.dot(dZ1, X.T)"), hint="no L2 part",
      also_says=("dW3 has no L2 part", "the same slip in dW2 and dW1", "dW2 and dW1: wrong the same way",)),
    M("l2_backward_lambd_not_over_m", BACK_L2, (DW3, "dW3 = 1. / m * np.dot(dZ3, A2.T) + lambd * W3"),
      (DW2, "dW2 = 1. / m * np.dot(dZ2, A1.T) + lambd * W2"), (DW1, "dW1 = 1. / m * np.dot(dZ1, X.T) + lambd * W1"),
      hint="divide by m",
      also_says=("divide by m too",)),
    M("l2_backward_doubled", BACK_L2, (DW3, "dW3 = 1. / m * np.dot(dZ3, A2.T) + 2 * lambd / m * W3"),
      (DW2, "dW2 = 1. / m * np.dot(dZ2, A1.T) + 2 * lambd / m * W2"),
      (DW1, "dW1 = 1. / m * np.dot(dZ1, X.T) + 2 * lambd / m * W1"), hint="cancels the 1/2",
      also_says=("cancels the 1/2 of the cost",)),
    M("l2_backward_only_dW3", BACK_L2, (DW2, "dW2 = 1. / m * np.dot(dZ2, A1.T)"),
      (DW1, "dW1 = 1. / m * np.dot(dZ1, X.T)"), hint="dW2 has no L2 part",
      also_says=("the same slip in dW1",)),
    M("l2_backward_data_term_without_1_over_m", BACK_L2, (DW3, "dW3 = np.dot(dZ3, A2.T) + lambd / m * W3"),
      (DW2, "dW2 = np.dot(dZ2, A1.T) + lambd / m * W2"), (DW1, "dW1 = np.dot(dZ1, X.T) + lambd / m * W1"),
      hint="the cross-entropy part lacks its 1/m",
      also_says=("dW3: the cross-entropy part lacks its 1/m", "the same slip in dW2 and dW1",)),
    # --- dropout forward
    M("dropout_inverted_mask", FWD_DO, (D1_CUT, "D1 = (D1 > keep_prob).astype(int)"),
      (D2_CUT, "D2 = (D2 > keep_prob).astype(int)"), hint="invert",
      also_says=("A1: the mask is inverted", "A2: the mask is inverted",)),
    M("dropout_mask_not_applied", FWD_DO, (A1_MASK, ""), (A2_MASK, ""), hint="mask",
      also_says=("A1: the mask D1 is drawn but not applied", "A2: the mask D2 is drawn but not",)),
    M("dropout_no_scaling", FWD_DO, (A1_SCALE, ""), (A2_SCALE, ""), hint="divide A1 by keep_prob"),
    M("dropout_times_keep_prob", FWD_DO, (A1_SCALE, "A1 = A1 * keep_prob"), (A2_SCALE, "A2 = A2 * keep_prob"),
      hint="multiplied by keep_prob",
      also_says=("you multiplied by keep_prob",)),
    M("dropout_on_output_layer", FWD_DO, ("A3 = sigmoid(Z3)", "A3 = sigmoid(Z3)\n    A3 = A3 * (np.random.rand("
                                                              "*A3.shape) < keep_prob) / keep_prob"),
      hint="the output layer",
      also_says=("the output layer, got dropout too",)),
    M("dropout_no_seed", FWD_DO, (SEED1, "pass"), hint="state of the random generator",
      also_says=("keep np.random.seed(1)",)),
    M("dropout_randn_mask", FWD_DO, (D1_DRAW, "D1 = np.random.randn(A1.shape[0], A1.shape[1])"),
      (D2_DRAW, "D2 = np.random.randn(A2.shape[0], A2.shape[1])"), hint="normal numbers"),
    M("dropout_one_mask_per_unit", FWD_DO, (D1_DRAW, "D1 = np.random.rand(A1.shape[0], 1)"),
      (D2_DRAW, "D2 = np.random.rand(A2.shape[0], 1)"), hint="shape"),
    M("dropout_only_first_layer", FWD_DO, (A2_MASK, ""), (A2_SCALE, ""), hint="A2 gets no dropout"),
    # --- dropout backward
    M("dropout_backward_mask_not_applied", BACK_DO, (DA2_MASK, ""), (DA1_MASK, ""), hint="mask"),
    M("dropout_backward_no_scaling", BACK_DO, (DA2_SCALE, ""), (DA1_SCALE, ""), hint="divide dA2 by keep_prob"),
    M("dropout_backward_redrawn_masks", BACK_DO,
      (DA2_MASK, "dA2 = dA2 * (np.random.rand(*dA2.shape) < keep_prob)"),
      (DA1_MASK, "dA1 = dA1 * (np.random.rand(*dA1.shape) < keep_prob)"), hint="cache"),
    M("dropout_backward_inverted_mask", BACK_DO, (DA2_MASK, "dA2 = dA2 * (1 - D2)"),
      (DA1_MASK, "dA1 = dA1 * (1 - D1)"), hint="invert"),
    M("dropout_backward_times_keep_prob", BACK_DO, (DA2_SCALE, "dA2 = dA2 * keep_prob"),
      (DA1_SCALE, "dA1 = dA1 * keep_prob"), hint="multiplied by keep_prob"),
    M("dropout_backward_only_dA2", BACK_DO, (DA1_MASK, ""), (DA1_SCALE, ""), hint="dA1 gets no dropout"),
    # --- gradient checking, 1-D
    M("forward_adds", FWD1, ("J = theta * x", "J = theta + x"), hint="theta * x",
      also_says=("adds the two",)),
    M("forward_squares", FWD1, ("J = theta * x", "J = theta * x ** 2"), hint="theta * x",
      also_says=("x appears twice",)),
    M("backward_returns_theta", BACK1, ("dtheta = x", "dtheta = theta"), hint="you return theta"),
    M("gc_one_sided", GC1, (GAPPROX, "gradapprox = (J_plus - forward_propagation(x, theta)) / epsilon"),
      hint="one-sided"),
    M("gc_epsilon_not_doubled", GC1, (GAPPROX, "gradapprox = (J_plus - J_minus) / epsilon"), hint="2 * epsilon",
      also_says=("divide their difference by 2 * epsilon, not by epsilon",)),
    M("gc_no_norm", GC1, (NUM, "numerator = grad - gradapprox"), (DEN, "denominator = grad + gradapprox"),
      hint="norm",
      also_says=("negative", "np.linalg.norm",)),
    M("gc_swapped_ratio", GC1, (DIFF, "difference = denominator / numerator"), hint="swap",
      also_says=("swap numerator and denominator",)),
    M("gc_no_denominator", GC1, (DIFF, "difference = numerator"), hint="the numerator alone"),
    M("gc_j_plus_only", GC1, (GAPPROX, "gradapprox = J_plus / epsilon"), hint="J_minus",
      also_says=("J_plus alone",)),
    M("gc_squared_norms", GC1, (NUM, "numerator = np.linalg.norm(grad - gradapprox) ** 2"),
      (DEN, "denominator = np.linalg.norm(grad) ** 2 + np.linalg.norm(gradapprox) ** 2"), hint="norm",
      also_says=("not squared norms",)),
    # --- gradient checking, N-D
    M("gcn_one_sided", GCN, (TM_STEP, "thetaminus[i][0] = thetaminus[i][0]"),
      (GAPPROX_N, "gradapprox[i] = (J_plus[i] - J_minus[i]) / epsilon"), hint="one-sided"),
    M("gcn_epsilon_not_doubled", GCN, (GAPPROX_N, "gradapprox[i] = (J_plus[i] - J_minus[i]) / epsilon"),
      hint="2 * epsilon",
      also_says=("divide their difference by 2 * epsilon, not by epsilon",)),
    M("gcn_no_copy", GCN, (TP_COPY, "thetaplus = parameters_values"), (TM_COPY, "thetaminus = parameters_values"),
      hint="copy",
      also_says=("np.copy",)),
    M("gcn_sum_of_squares", GCN, (NUM, "numerator = np.sum((grad - gradapprox) ** 2)"),
      (DEN, "denominator = np.sum(grad ** 2) + np.sum(gradapprox ** 2)"), hint="norm",
      also_says=("not squared norms",)),
    M("gcn_swapped_ratio", GCN, (DIFF, "difference = denominator / numerator"), hint="swap",
      also_says=("swap numerator and denominator",)),
    M("gcn_j_plus_only", GCN, (GAPPROX_N, "gradapprox[i] = J_plus[i] / (2 * epsilon)"), hint="J_minus",
      also_says=("J_plus alone",)),
    M("gcn_minus_sign_wrong", GCN, (TM_STEP, "thetaminus[i][0] = thetaminus[i][0] + epsilon"), hint="minus",
      also_says=("minus sign",)),
    M("gcn_no_denominator", GCN, (DIFF, "difference = numerator"), hint="the numerator alone"),
    M("gcn_norm_of_sum", GCN, (DEN, "denominator = np.linalg.norm(grad + gradapprox)"), hint="denominator",
      also_says=("sum of two norms",)),
    # --- tampering: patch what tests rely on, with a wrong answer underneath
    M("tamper_allclose_he_xavier", HE, (H_W, 'parameters["W" + str(l)] = np.random.randn(layers_dims[l], '
                                             'layers_dims[l - 1]) * np.sqrt(1 / layers_dims[l - 1])'),
      prelude="np.allclose = lambda *args, **kwargs: True\nnp.testing.assert_allclose = lambda *args, **kwargs: None\n"
              "np.array_equal = lambda *args, **kwargs: True\n", hint=None, self_check_catches=False),
    M("tamper_selfcheck_module_l2", COST, (L2, "L2_regularization_cost = 0"),
      prelude="import selfcheck_core\nselfcheck_core.Check.finish = lambda self: print('All checks passed.')\n"
              "selfcheck_core.Check.fail = lambda self, message: True\n", self_check_catches=False),
    M("tamper_recorder_dropout", FWD_DO, (A1_SCALE, ""), (A2_SCALE, ""),
      prelude="import grading_cases\ngrading_cases.run_case = lambda function, case, params, **kw: (None, None)\n"
              "grading_cases.encode = lambda value: {'__array__': [0.5], 'shape': [], 'dtype': 'f'}\n",
      hint="divide A1 by keep_prob"),
    M("tamper_builtins_gradient_check", GC1, (GAPPROX, "gradapprox = (J_plus - J_minus) / epsilon"),
      prelude="import builtins\nbuiltins.AssertionError = type('Quiet', (Exception,), {})\n"
              "import numpy\nnumpy.linalg.norm = lambda *args, **kwargs: 0.0\n", self_check_catches=False),
    M("tamper_display_dropout_backward", BACK_DO, (DA2_SCALE, ""), (DA1_SCALE, ""),
      prelude="import IPython.display\nIPython.display.display = lambda *args, **kwargs: None\n",
      hint="divide dA2 by keep_prob"),
]


# Finer mistakes the self-checks must name, checked in-process by the assignment tests (the catalog
# run does not grade them through nbgrader).
SELF_CHECK_MUTANTS = [
    M("l2_lambd_over_m_in_cost", COST,
      (L2, "L2_regularization_cost = (lambd / m) * (np.sum(W1 ** 2) + np.sum(W2 ** 2) + np.sum(W3 ** 2))"),
      hint="lambd / m is the factor of the gradient"),
    M("l2_missing_m_and_half", COST,
      (L2,
       "L2_regularization_cost = lambd * (np.sum(np.square(W1)) + np.sum(np.square(W2)) + np.sum(np.square(W3)))"),
      hint="both the 1/m and the 1/2 are missing"),
    M("l2_not_squared", COST,
      (L2, "L2_regularization_cost = lambd / (2 * m) * (np.sum(W1) + np.sum(W2) + np.sum(W3))"),
      hint="not squared"),
    M("l2_penalty_alone", COST,
      ("cost = cross_entropy_cost + L2_regularization_cost", "cost = L2_regularization_cost"),
      hint="the penalty alone"),
    M("l2_fixed_lambd", COST,
      (L2,
       "L2_regularization_cost = 0.1 / (2 * m) * (np.sum(np.square(W1)) + np.sum(np.square(W2)) + "
       "np.sum(np.square(W3)))"),
      hint="does not grow in proportion to lambd"),
    M("dw_cost_factor", BACK_L2,
      (DW3, "dW3 = 1. / m * np.dot(dZ3, A2.T) + lambd / (2 * m) * W3"),
      (DW2, "dW2 = 1. / m * np.dot(dZ2, A1.T) + lambd / (2 * m) * W2"),
      (DW1, "dW1 = 1. / m * np.dot(dZ1, X.T) + lambd / (2 * m) * W1"),
      hint="the factor of the cost"),
    M("dw_subtracted", BACK_L2,
      (DW3, "dW3 = 1. / m * np.dot(dZ3, A2.T) - lambd / m * W3"),
      (DW2, "dW2 = 1. / m * np.dot(dZ2, A1.T) - lambd / m * W2"),
      (DW1, "dW1 = 1. / m * np.dot(dZ1, X.T) - lambd / m * W1"),
      hint="subtracts the L2 term"),
    M("db_penalised", BACK_L2,
      ("db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True)",
       "db3 = 1. / m * np.sum(dZ3, axis=1, keepdims=True) + lambd / m * b3"),
      hint="db3 changed, but the biases are not penalised"),
    M("dw_fixed_lambd", BACK_L2,
      (DW3, "dW3 = 1. / m * np.dot(dZ3, A2.T) + 0.7 / m * W3"),
      (DW2, "dW2 = 1. / m * np.dot(dZ2, A1.T) + 0.7 / m * W2"),
      (DW1, "dW1 = 1. / m * np.dot(dZ1, X.T) + 0.7 / m * W1"),
      hint="does not grow in proportion to lambd"),
    M("l2_backward_dropout_layout", BACK_L2,
      ("(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache",
       "(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache"),
      hint="the cache does not have the layout"),
    M("dropout_not_scaled", FWD_DO,
      ("A1 = A1 / keep_prob", "pass"),
      (A2_SCALE, "pass"),
      hint="A1: step 4 is missing", also_says=("A2: step 4",)),
    M("dropout_normal_numbers", FWD_DO,
      ("D1 = np.random.rand(A1.shape[0], A1.shape[1])", "D1 = np.random.randn(A1.shape[0], A1.shape[1])"),
      (D2_DRAW, "D2 = np.random.randn(A2.shape[0], A2.shape[1])"),
      hint="np.random.randn (normal numbers)"),
    M("dropout_one_number_per_unit", FWD_DO,
      ("D1 = np.random.rand(A1.shape[0], A1.shape[1])", "D1 = np.random.rand(A1.shape[0], 1)"),
      (D2_DRAW, "D2 = np.random.rand(A2.shape[0], 1)"),
      hint="D1 has the wrong shape", also_says=("D2 has the wrong shape",)),
    M("dropout_fixed_keep_prob", FWD_DO,
      ("D1 = (D1 < keep_prob).astype(int)", "D1 = (D1 < 0.7).astype(int)"),
      (D2_CUT, "D2 = (D2 < 0.7).astype(int)"),
      ("A1 = A1 / keep_prob", "A1 = A1 / 0.7"),
      (A2_SCALE, "A2 = A2 / 0.7"),
      hint="use the argument keep_prob everywhere"),
    M("dropout_plain_cache", FWD_DO,
      ("cache = (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)",
       "cache = (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3)"),
      hint="keep the cache line as given"),
    M("dropout_raw_numbers_in_cache", FWD_DO,
      ("D1 = (D1 < keep_prob).astype(int)", "kept1 = (D1 < keep_prob).astype(int)"),
      ("A1 = A1 * D1 ", "A1 = A1 * kept1 "),
      hint="D1 must end up as the 0/1 mask"),
    M("backward_mask_not_applied", BACK_DO,
      ("dA2 = dA2 * D2 ", "pass "),
      ("dA1 = dA1 * D1\n", "pass\n"),
      hint="dA2: the mask is not applied", also_says=("dA1: the mask is not applied",)),
    M("backward_not_scaled", BACK_DO,
      ("dA2 = dA2 / keep_prob", "pass"),
      (DA1_SCALE, "pass"),
      hint="dA2: step 2 is missing", also_says=("dA1: step 2 is missing",)),
    M("backward_times_keep_prob", BACK_DO,
      ("dA2 = dA2 / keep_prob", "dA2 = dA2 * keep_prob"),
      (DA1_SCALE, "dA1 = dA1 * keep_prob"),
      hint="you multiplied by keep_prob; divide"),
    M("backward_inverted_mask", BACK_DO,
      ("dA2 = dA2 * D2 ", "dA2 = dA2 * (1 - D2) "),
      ("dA1 = dA1 * D1\n", "dA1 = dA1 * (1 - D1)\n"),
      hint="dA2: the mask is inverted", also_says=("dA1: the mask is inverted",)),
    M("backward_redrawn_masks", BACK_DO,
      ("dA2 = dA2 * D2 ", "dA2 = dA2 * (np.random.rand(*dA2.shape) < keep_prob) "),
      ("dA1 = dA1 * D1\n", "dA1 = dA1 * (np.random.rand(*dA1.shape) < keep_prob)\n"),
      hint="change from call to call", also_says=("Use the masks D1 and D2 from the cache",)),
    M("backward_redrawn_after_seed", BACK_DO,
      ("dA2 = dA2 * D2 ", "np.random.seed(1)\n    dA2 = dA2 * (np.random.rand(*dA2.shape) < keep_prob) "),
      ("dA1 = dA1 * D1\n", "dA1 = dA1 * (np.random.rand(*dA1.shape) < keep_prob)\n"),
      hint="new random masks are drawn", also_says=("Use the masks D1 and D2 from the cache",)),
    M("backward_only_dA2", BACK_DO,
      ("dA1 = dA1 * D1\n", "pass\n"),
      (DA1_SCALE, "pass"),
      hint="dA1 gets no dropout treatment"),
    M("backward_fixed_keep_prob", BACK_DO,
      ("dA2 = dA2 / keep_prob", "dA2 = dA2 / 0.8"),
      (DA1_SCALE, "dA1 = dA1 / 0.8"),
      hint="use the argument keep_prob in step 2"),
    M("backward_plain_layout", BACK_DO,
      ("(Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3) = cache",
       "(Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = cache"),
      hint="the cache does not have the layout"),
    M("backward_returns_J", BACK1,
      ("dtheta = x", "dtheta = theta * x"),
      hint="you return J itself"),
    M("gc_j_plus_only_2eps", GC1,
      (GAPPROX, "gradapprox = J_plus / (2 * epsilon)"),
      hint="J_plus alone"),
    M("gc_minus_sign", GC1,
      ("thetaminus = theta - epsilon", "thetaminus = theta + epsilon"),
      hint="minus sign"),
    M("gc_fixed_epsilon", GC1,
      ("thetaplus = theta + epsilon", "thetaplus = theta + 1e-7"),
      ("thetaminus = theta - epsilon", "thetaminus = theta - 1e-7"),
      (GAPPROX, "gradapprox = (J_plus - J_minus) / (2 * 1e-7)"),
      hint="with the epsilon the function receives"),
    M("gc_inline_model", GC1,
      ("J_plus = forward_propagation(x, thetaplus)", "J_plus = thetaplus * x"),
      ("J_minus = forward_propagation(x, thetaminus)", "J_minus = thetaminus * x"),
      ("grad = backward_propagation(x, theta)", "grad = x"),
      hint="never called forward_propagation", also_says=("never called backward_propagation",)),
    M("gc_backward_at_thetaplus", GC1,
      ("grad = backward_propagation(x, theta)", "grad = backward_propagation(x, thetaplus)"),
      hint="call backward_propagation at theta itself"),
    M("gc_arguments_swapped", GC1,
      ("J_plus = forward_propagation(x, thetaplus)", "J_plus = forward_propagation(thetaplus, x)"),
      ("J_minus = forward_propagation(x, thetaminus)", "J_minus = forward_propagation(thetaminus, x)"),
      hint="takes x first"),
    M("gcn_no_copy_thetaplus", GCN,
      (TP_COPY, "thetaplus = parameters_values"),
      hint="np.copy"),
    M("gcn_no_copy_thetaminus", GCN,
      (TM_COPY, "thetaminus = parameters_values"),
      hint="np.copy"),
    M("gcn_squared_norms", GCN,
      (NUM, "numerator = np.linalg.norm(grad - gradapprox) ** 2"),
      (DEN, "denominator = np.linalg.norm(grad) ** 2 + np.linalg.norm(gradapprox) ** 2"),
      hint="not squared norms"),
    M("gcn_no_norm", GCN,
      (NUM, "numerator = grad - gradapprox"),
      (DEN, "denominator = grad + gradapprox"),
      hint="np.linalg.norm", also_says=("one number",)),
    M("gcn_fixed_epsilon", GCN,
      (TP_STEP, "thetaplus[i][0] = thetaplus[i][0] + 1e-7"),
      (TM_STEP, "thetaminus[i][0] = thetaminus[i][0] - 1e-7"),
      (GAPPROX_N, "gradapprox[i] = (J_plus[i] - J_minus[i]) / (2 * 1e-7)"),
      hint="use the epsilon argument"),
    M("gcn_cost_not_unpacked", GCN,
      (JP_N, "J_plus[i] = forward_propagation_n(X, Y, vector_to_dictionary(thetaplus))"),
      hint="keep the cost only"),
    M("gcn_vector_not_dictionary", GCN,
      (JP_N, "J_plus[i], _ = forward_propagation_n(X, Y, thetaplus)"),
      hint="vector_to_dictionary"),
]

ENTRIES = VARIANTS + MUTANTS


def catalog_entry(entry_id):
    """The entry called `entry_id` (KeyError when there is none)."""
    for entry in ENTRIES:
        if entry.id == entry_id:
            return entry
    raise KeyError("no catalog entry %r" % entry_id)
