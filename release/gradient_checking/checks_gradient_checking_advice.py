"""The Gradient Checking self-checks' advice for each typical mistake, by the mistake's id in the stored file.

The stored file (expected_outputs_gradient_checking.json) holds the number each mistake gives on the
diagnostic cases; these texts say what to fix when a student's function gives that number.
"""


# The advice for each typical mistake (the stored file holds the number each one gives).
HINT_ONE_SIDED = ("your gradapprox looks one-sided, (J(theta + epsilon) - J(theta)) / epsilon. Use the two-sided "
                  "difference of formula (1): evaluate J once at theta + epsilon and once at theta - epsilon, "
                  "subtract, and divide by 2 * epsilon")
HINT_NOT_DOUBLED = ("gradapprox comes out twice too large: J(theta + epsilon) and J(theta - epsilon) are 2 * epsilon "
                    "apart, so divide their difference by 2 * epsilon, not by epsilon")
HINT_PLUS_ONLY = ("gradapprox seems to use J_plus alone. The difference quotient needs both costs: subtract J_minus "
                  "(the cost at theta - epsilon) from J_plus before dividing by 2 * epsilon")
HINT_MINUS_SIGN = ("gradapprox comes out as 0: J_plus and J_minus are the same number, so thetaminus was moved up by "
                   "epsilon instead of down. Use a minus sign for thetaminus")
HINT_NO_NORM = ("the difference came out negative, which formula (2) can never give: it divides lengths (norms). Use "
                "np.linalg.norm(...) for the numerator and for each of the two terms of the denominator")
HINT_SQUARED = ("formula (2) uses norms, not squared norms: np.linalg.norm(v) is the square root of the sum of "
                "squares. Do not square the norms and do not use np.sum(v ** 2) in their place")
HINT_SWAPPED = ("the difference is upside down (its inverse is the expected number): swap numerator and denominator. "
                "The numerator is ||grad - gradapprox||, the denominator ||grad|| + ||gradapprox||")
HINT_NO_DENOMINATOR = ("the difference is the numerator alone, ||grad - gradapprox||: divide it by the denominator "
                       "||grad|| + ||gradapprox||, formula (2). Without it the number grows and shrinks with the "
                       "size of the gradients, so no fixed threshold could judge it")
HINT_NORM_OF_SUM = ("check the denominator of formula (2): it is ||grad|| + ||gradapprox||, the sum of two norms, not "
                    "the norm of the sum ||grad + gradapprox||")
HINT_NO_COPY = ("theta leaks from one parameter to the next: thetaplus (or thetaminus) is the same array as "
                "parameters_values, so changing one entry changes parameters_values too and the shift is never "
                "undone. Start each of them with np.copy(parameters_values)")
HINT_HALF = ("J_minus[i] seems to be the cost at (or right next to) theta itself, not at theta - epsilon. This "
             "happens when thetaplus or thetaminus is parameters_values itself instead of a copy: the plus step "
             "then stays in parameters_values and the minus step only undoes it. Start each of them with "
             "np.copy(parameters_values), then shift entry i")


HINTS_1D = {  # stored mistake id -> advice
    "gc_one_sided": HINT_ONE_SIDED, "gc_not_doubled": HINT_NOT_DOUBLED, "gc_plus_only": HINT_PLUS_ONLY,
    "gc_plus_only_2eps": HINT_PLUS_ONLY, "gc_minus_sign": HINT_MINUS_SIGN, "gc_no_norm": HINT_NO_NORM,
    "gc_squared_norms": HINT_SQUARED, "gc_swapped": HINT_SWAPPED, "gc_no_denominator": HINT_NO_DENOMINATOR,
}
HINTS_ND = {
    "gcn_one_sided": HINT_ONE_SIDED, "gcn_not_doubled": HINT_NOT_DOUBLED, "gcn_plus_only": HINT_PLUS_ONLY,
    "gcn_plus_only_2eps": HINT_PLUS_ONLY, "gcn_minus_sign": HINT_MINUS_SIGN, "gcn_squared_norms": HINT_SQUARED,
    "gcn_swapped": HINT_SWAPPED, "gcn_norm_of_sum": HINT_NORM_OF_SUM, "gcn_no_denominator": HINT_NO_DENOMINATOR,
    "gcn_half": HINT_HALF, "gcn_both_aliased": HINT_HALF, "gcn_leak_up": HINT_NO_COPY, "gcn_leak_down": HINT_NO_COPY,
}

