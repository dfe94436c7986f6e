"""Documented per-SM throughputs of an H100 SXM5 (80 GB HBM3), the constants of the model.

Sources (see README.md for the discussion):
  [WP]  NVIDIA H100 Tensor Core GPU Architecture whitepaper (2022): 132 SMs on SXM5, 4 SM
        sub-partitions (one warp scheduler dispatching one warp instruction per clock each),
        128 FP32 lanes per SM, 64K 32-bit registers per SM, 228 KB shared memory per SM (227 KB
        usable by one block), 50 MB L2, 67 TFLOPS FP32 (=> 1.98 GHz at 132 x 128 x 2 flops).
  [PG]  CUDA C++ Programming Guide, "Arithmetic Instructions" throughput table, compute
        capability 9.0 (results per clock per SM): FP32 add/mul/fma 128; FP64 64; 32-bit integer
        add/compare/logic/shift 64; 32-bit integer multiply(-add) 64; warp shuffle 32;
        reciprocal/rsqrt/log2/exp2/sin/cos (MUFU) 16; type conversions 16; popc/clz 16.
        "Compute capabilities" table: 2048 resident threads, 64 warps, 32 blocks per SM;
        cudaDevAttrReservedSharedMemoryPerBlock = 1 KB on 8.x/9.x.
  [FMA] NVIDIA developer forum (pipe assignment as Nsight Compute names the pipes): on GH100 the
        FMA-heavy pipe executes IMAD/IDP and FP32, the FMA-lite pipe FP32 only; the ALU pipe
        executes integer instructions other than IMAD/IMUL, logic, compares and moves. Each of
        these pipes takes a warp instruction every 2 clocks per sub-partition (16 lanes). Nsight
        Compute's "xu" pipe executes MUFU and the type conversions: they share 16 lanes per SM.
        FP64 Tensor Core: 67 TFLOPS dense on SXM5 (=> 256 flops/clk/SM at 1.98 GHz over 132 SMs).
  [ANCH] ANCHORS.md / bench/floors.hpp: 3.0e12 B/s measured device-to-device copy on an H100
        80GB HBM3 (bytes read + written), the bandwidth of every memory floor in the benchmarks.
  [L2]  A published figure, not one of ours: NVIDIA does not publish an L2 bandwidth. "How to
        Think About GPUs" (Austin et al., the JAX scaling book, section 12,
        https://jax-ml.github.io/scaling-book/gpus/) gives "about 5.5TB/s" for the H100, citing
        the Chips and Cheese microbenchmark (https://chipsandcheese.com/p/nvidias-h100-funny-l2-
        and-tons-of-bandwidth), which measured an H100 *PCIe* card (114 SMs, 1755 MHz boost,
        near its 350 W limit while reading L2); te42kyfo/gpu-benches (gpu-l2-cache, README)
        also reports "about 5.x TB/s" for V100/A100/H100 PCIe. No SXM5 measurement was found:
        with 132 SMs the SXM5 may deliver more (x 132/114 would be 6.4e12 B/s), so a bound at
        this figure may be pessimistic by up to that factor (--l2-bandwidth to vary it).
"""


class H100(object):
    name = "H100 SXM5 80GB (model)"
    sms = 132                       # [WP]
    clock_ghz = 1.755               # fixed by issue 9 (67 TFLOPS FP32 would imply 1.98 GHz)
    issue_per_clk_per_sm = 4        # warp instructions: one per sub-partition per clock [WP]
    # vector lanes per clock per SM, per pipe [PG]/[FMA]
    fp32_lanes = 128                # FMA-heavy + FMA-lite together
    fma_heavy_lanes = 64            # IMAD/IMUL/IDP must use the heavy half [FMA]
    alu_lanes = 64                  # integer (not IMAD), logic, compare, select, move [PG][FMA]
    fp64_lanes = 64                 # [PG]
    # TF32 tensor-core math (dense), flops per clock per SM: [WP] 494.7 TFLOPS TF32 (989.4 with
    # sparsity) = 132 SMs x 4 tensor cores x 256 TF32 FMA x 2 flops x 1.83 GHz (the clock of the
    # whitepaper's tensor figures); used only for the mixture GEMMs with the TF32 option (A14).
    tf32_tensor_flops_per_clk_per_sm = 2048
    # Share of that peak that warp-level mma.sync (HMMA.1688.F32.TF32, our split-TF32 kernels)
    # reaches: an assumption, not a measurement. Hopper reaches its tensor peak only through the
    # warpgroup wgmma instructions (Luo et al. 2025, "Dissecting the NVIDIA Hopper Architecture
    # through Microbenchmarking", arXiv 2501.12084); half of it for mma.sync is our guess until
    # a GPU measures it (A20).
    mma_sync_tf32_fraction = 0.5
    fp64_tensor_flops = 256         # per clk per SM, DMMA [WP]: 67e12 / (132 x 1.98e9); cuBLAS DGEMM peak
    # INT8 tensor-core multiply-add ops (2 per MAC) per clock per SM, dense: [WP] 1979 TOPS
    # (3958 with sparsity) = 132 x 8192 x 1.83 GHz; used only for the bm bound analysis
    # (bm_tile_bounds.py, MATH.md 2.8), no kernel here issues IMMA
    int8_tensor_ops_per_clk_per_sm = 8192
    mufu_lanes = 16                 # [PG]
    conv_lanes = 16                 # type conversions, POPC, FLO, BREV [PG]; same XU pipe as MUFU
    shfl_lanes = 32                 # [PG]
    lsu_lanes = 32                  # LSU: 32 lanes (4-byte accesses) per clock ...
    lsu_bytes = 128                 # ... i.e. 128 B per clock of L1/shared data path per SM
    dram_bytes_per_s = 3.0e12       # [ANCH] achievable copy bandwidth
    # SM <-> L2 bytes per second, all SMs together (loads that hit L2 and the DRAM traffic,
    # which passes through L2 too) [L2]: published microbenchmark figure (H100 PCIe), not ours
    l2_bytes_per_s = 5.5e12
    regs_per_sm = 65536             # [WP]
    max_regs_per_thread = 255
    reg_alloc_unit = 256            # registers per warp are allocated in units of 256
    smem_per_sm = 228 * 1024        # [WP]
    smem_per_block_max = 227 * 1024
    smem_reserved_per_block = 1024  # [PG]
    max_threads_per_sm = 2048       # [PG]
    max_warps_per_sm = 64
    max_blocks_per_sm = 32
    launch_overhead_us = 2.0        # GPU-side gap between back-to-back launches (model assumption)
    l2_bytes = 50 * 1024 * 1024     # [WP]


def occupancy(hw, regs_per_thread, threads_per_block, smem_per_block):
    """Resident blocks and warps per SM from registers, shared memory and thread limits (the
    occupancy-calculator rules: registers per warp rounded up to 256)."""
    warps_per_block = (threads_per_block + 31) // 32
    regs = max(regs_per_thread, 1)
    regs_per_warp = -(-regs * 32 // hw.reg_alloc_unit) * hw.reg_alloc_unit
    by_regs = hw.regs_per_sm // (regs_per_warp * warps_per_block)
    by_threads = hw.max_threads_per_sm // (warps_per_block * 32)
    smem = smem_per_block + hw.smem_reserved_per_block
    by_smem = hw.smem_per_sm // smem if smem > 0 else hw.max_blocks_per_sm
    blocks = max(0, min(by_regs, by_threads, by_smem, hw.max_blocks_per_sm))
    limiter = min((by_regs, "registers"), (by_threads, "threads"), (by_smem, "shared memory"),
                  (hw.max_blocks_per_sm, "blocks"))[1]
    return {"blocks_per_sm": blocks, "warps_per_sm": blocks * warps_per_block,
            "limited_by": limiter, "regs_per_warp": regs_per_warp,
            "smem_per_block": smem}
