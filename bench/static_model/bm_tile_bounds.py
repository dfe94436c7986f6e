#!/usr/bin/env python3
"""What bounds the bm tile kernel at N = 256, C = 4096 (docs/MATH.md 2.8, last subsection):
every figure of that subsection from hardware.py's constants, so the text can be checked.

    python3 bench/static_model/bm_tile_bounds.py [N] [C]

The phase cycle counts at the end are this model's per-phase counts of the current SASS of
bm_tile_kernel<32, 0, 32, 2> (README A17), not hardware constants."""
import sys

import hardware

hw = hardware.H100
n = int(sys.argv[1]) if len(sys.argv) > 1 else 256
c = int(sys.argv[2]) if len(sys.argv) > 2 else 4096
t, sweeps = 32, 5                      # chains per thread block, sweeps per call (bench/bm)
clk = hw.clock_ghz * 1e9
build = (sweeps + 1.0) / sweeps        # the field build: one more pass over J per call
blocks = -(-c // t)
sms = min(blocks, hw.sms)


def rate(per_s, per_flip):
    return per_s / per_flip / 1e9      # attempted flips per ns


dmma = hw.sms * hw.fp64_tensor_flops * clk
print("(a) field update: 2N = %d flops per attempted flip; DMMA peak %.1f TFLOP/s (%d SMs x %d "
      "flops/clk x %.3f GHz)" % (2 * n, dmma / 1e12, hw.sms, hw.fp64_tensor_flops, hw.clock_ghz))
print("    cap %.0f flips/ns on all SMs; %.0f with the field build (x %.2f); %.0f on the %d SMs "
      "of %d blocks of T = %d" % (rate(dmma, 2 * n), rate(dmma, 2 * n * build), build,
                                   rate(dmma * sms / hw.sms, 2 * n * build), sms, blocks, t))
l2 = hw.l2_bytes_per_s
per_flip = 8.0 * n / t                 # (C/T)·N²·8 bytes per sweep over N·C attempted flips
print("(b) J from L2: (C/T)·N²·8 = %.1f MB per sweep, 8N/T = %.0f B per attempted flip; at %.2g "
      "B/s: cap %.0f flips/ns, %.0f with the field build"
      % (blocks * n * n * 8 / 1e6, per_flip, l2, rate(l2, per_flip), rate(l2, per_flip * build)))
print("    C/SMs = %.1f chains per SM: at most that many uses of each J byte per sweep on an SM "
      "(%.0f B per flip, cap %.0f flips/ns)" % (c / hw.sms, 8.0 * n * hw.sms / c,
                                                 rate(l2, 8.0 * n * hw.sms / c)))
# p SMs sharing the C chains: L2 cap l2·C/(8·N·p) falls with p, the DMMA cap rises with p
per_sm = hw.fp64_tensor_flops * clk
p_best = (l2 * c / (4.0 * per_sm)) ** 0.5
print("    best split of the chains over p SMs, L2 = DMMA: p = %.0f, %.0f flips/ns (no field "
      "build, nothing else charged)" % (p_best, rate(per_sm * p_best, 2 * n)))
print("    J in fp64: %.0f KiB, symmetric half %.0f KiB, against %.0f KiB of shared memory per SM"
      % (8 * n * n / 1024, 8 * n * (n + 1) / 2 / 1024, hw.smem_per_sm / 1024))
limbs = 6
imma = hw.sms * hw.int8_tensor_ops_per_clk_per_sm * clk
print("(c) int8 limbs (L = %d): J %d B = %.0f KiB, symmetric half %d B = %.0f KiB (%d x %d x "
      "%d / 2); shared memory %d B = %d KiB per SM, %d KiB per block"
      % (limbs, n * n * limbs, n * n * limbs / 1024, n * n * limbs // 2, n * n * limbs / 2048,
         n, n, limbs, hw.smem_per_sm, hw.smem_per_sm // 1024, hw.smem_per_block_max // 1024))
print("    left beside the half: %d KiB per block; fp64 fields of %d chains: %d KiB"
      % ((hw.smem_per_block_max - n * n * limbs // 2) // 1024, t, 8 * n * t // 1024))
print("    IMMA: 2·N·L = %d ops per attempted flip at %.2f Pop/s (%d SMs x %d x %.3f GHz): cap "
      "%.0f flips/ns, %.0f with the field build; at 300 flips/ns the update takes %.0f %% of "
      "the time" % (2 * n * limbs, imma / 1e15, hw.sms, hw.int8_tensor_ops_per_clk_per_sm,
                    hw.clock_ghz, rate(imma, 2 * n * limbs), rate(imma, 2 * n * limbs * build),
                    100.0 * 300e9 * 2 * n * limbs * build / imma))
print("    any grid (L = 7): symmetric half %d B = %.0f KiB" % (n * n * 7 // 2, n * n * 7 / 2048))
flips_per_block = t * n * sweeps
for name, cycles in (("decisions (LSU)", 63e3), ("thresholds (issue)", 30e3),
                     ("rest", 10e3)):
    print("    phase %-19s %5.0fK cycles per block and call of %d attempted flips: alone %.0f "
          "flips/ns on %d SMs" % (name, cycles / 1e3, flips_per_block, flips_per_block * sms *
                                  clk / cycles / 1e9, sms))
