"""SASS of a built boltzkit library: extraction, parsing, instruction classes, loops.

Everything here works on the binary alone (the static library, an object or a cubin): the
cuobjdump/nvdisasm pair from the CUDA toolkit or from the pip wheels nvidia-cuda-cuobjdump and
nvidia-cuda-nvdisasm. Source files are only read (optionally) to name the loops that the line
table (-lineinfo) attributes the backward branches to; see SourceIndex.
"""

import glob
import os
import re
import shutil
import subprocess
import tempfile
from collections import Counter, OrderedDict

# --------------------------------------------------------------------------------------------
# Tools


def _wheel_bin_dirs():
    """bin folders of the nvidia-cuda-cuobjdump / nvidia-cuda-nvdisasm wheels, if installed."""
    dirs = []
    try:
        import nvidia  # namespace package of the NVIDIA wheels

        for base in getattr(nvidia, "__path__", []):
            dirs.extend(sorted(glob.glob(os.path.join(base, "*", "bin"))))
    except ImportError:
        pass
    return dirs


def find_tool(name, explicit=None):
    """Path of cuobjdump/nvdisasm: --option, $BOLTZKIT_<NAME>, PATH, $CUDA_HOME/bin,
    /usr/local/cuda/bin, then the pip wheels (python3 -m pip install nvidia-cuda-<name>)."""
    candidates = []
    if explicit:
        candidates.append(explicit)
    env = os.environ.get("BOLTZKIT_" + name.upper())
    if env:
        candidates.append(env)
    found = shutil.which(name)
    if found:
        candidates.append(found)
    for home in (os.environ.get("CUDA_HOME"), os.environ.get("CUDA_PATH"), "/usr/local/cuda"):
        if home:
            candidates.append(os.path.join(home, "bin", name))
    candidates.extend(os.path.join(d, name) for d in _wheel_bin_dirs())
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    return None


def _run(cmd, cwd=None):
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    if proc.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), proc.returncode,
                                                   proc.stderr.strip()[:2000]))
    return proc.stdout


# --------------------------------------------------------------------------------------------
# Archive members (a static library may hold two members with the same name once sources live
# in per-family folders, e.g. gaussian/gpu.cu.o and ising/gpu.cu.o: read the ar format here
# instead of relying on `ar x` or on cuobjdump's file naming)


def ar_members(path):
    """[(name, bytes)] of a System V / GNU ar archive, or [(basename, bytes)] for a plain file."""
    with open(path, "rb") as fh:
        data = fh.read()
    if not data.startswith(b"!<arch>\n"):
        return [(os.path.basename(path), data)]
    pos = 8
    long_names = b""
    out = []
    while pos + 60 <= len(data):
        header = data[pos:pos + 60]
        name = header[:16].decode("ascii", "replace").rstrip()
        size = int(header[48:58].decode("ascii").strip() or 0)
        body = data[pos + 60:pos + 60 + size]
        pos += 60 + size + (size & 1)
        if name == "//":
            long_names = body
            continue
        if name in ("/", "/SYM64/") or name.startswith("__.SYMDEF"):
            continue
        if name.startswith("/") and name[1:].isdigit():
            off = int(name[1:])
            end = long_names.find(b"/\n", off)
            name = long_names[off:end].decode("utf-8", "replace")
        else:
            name = name.rstrip("/")
        out.append((name, body))
    return out


def extract_cubins(library, cuobjdump, workdir):
    """Writes every sm_90 cubin embedded in the library under workdir; [(member, cubin path)]."""
    cubins = []
    for index, (name, body) in enumerate(ar_members(library)):
        if b"\x7fELF" not in body[:4] and b".nv_fatbin" not in body and b"__nv_fatbin" not in body:
            continue
        member_dir = os.path.join(workdir, "m%03d" % index)
        os.makedirs(member_dir)
        member_path = os.path.join(member_dir, "member.o")
        with open(member_path, "wb") as fh:
            fh.write(body)
        try:
            listing = _run([cuobjdump, "--list-elf", member_path])
        except RuntimeError:
            continue
        if "sm_90" not in listing:
            continue
        _run([cuobjdump, "-xelf", "all", member_path], cwd=member_dir)
        for cubin in sorted(glob.glob(os.path.join(member_dir, "*.cubin"))):
            if ".sm_90" in os.path.basename(cubin):
                cubins.append((name, cubin))
    return cubins


# --------------------------------------------------------------------------------------------
# Resource usage


def resource_usage(cuobjdump, cubin):
    """{mangled name: {reg, stack, shared, local, constant0}} from cuobjdump -res-usage."""
    text = _run([cuobjdump, "-res-usage", cubin])
    out = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"\s*Function (\S+?):?\s*$", line)
        if m:
            current = m.group(1)
            continue
        if current and "REG:" in line:
            fields = dict(re.findall(r"(\w+(?:\[\d\])?):(\d+)", line))
            out[current] = {"reg": int(fields.get("REG", 0)), "stack": int(fields.get("STACK", 0)),
                            "shared": int(fields.get("SHARED", 0)),
                            "local": int(fields.get("LOCAL", 0))}
            current = None
    return out


# --------------------------------------------------------------------------------------------
# Instruction classes (what pipe a warp instruction occupies; see hardware.py for the rates)

# Classes that are counted separately in the tables. "uniform" instructions run on the uniform
# datapath (one per warp, no vector lanes); "control" covers branches, barriers, NOPs and other
# instructions that take an issue slot but no throughput-limited pipe in this model.
CLASSES = ("fp32", "fp64", "dmma", "hmma", "imad", "int", "conv", "mufu", "shfl", "lds", "sts", "ldg", "stg",
           "local", "const", "uniform", "control")

_FP32 = {"FFMA", "FMUL", "FADD", "FFMA32I", "FMUL32I", "FADD32I", "FSWZADD", "HFMA2", "HADD2",
         "HMUL2", "FCHK"}
_FP64 = {"DFMA", "DMUL", "DADD", "DSETP", "DMNMX"}
_IMAD = {"IMAD", "IMUL", "IDP", "IMADSP"}  # integer multiply(-add): the FMA-heavy pipe [FMA]
_INT = {"IADD3", "IADD", "IADD32I", "VIADD", "VIADDMNMX", "VIMNMX", "IMNMX",
        "LOP3", "LOP", "LOP32I", "SHF", "SHL", "SHR", "ISETP", "IABS", "LEA", "SEL", "MOV",
        "MOV32I", "PRMT", "FSEL", "FSETP", "FMNMX", "PLOP3", "P2R", "R2P", "BMSK", "SGXT", "ICMP",
        "ISCADD", "BFE", "BFI", "VABSDIFF", "VABSDIFF4", "I2FP", "F2IP", "CS2R", "R2UR",
        "FMNMX3", "IMNMX3"}
_CONV = {"I2F", "F2I", "F2F", "I2I", "FRND", "POPC", "FLO", "BREV", "F2FP", "I2IP"}
_LDS = {"LDS", "LDSM", "LD"}  # LD (generic) is counted with the shared loads only if it
_STS = {"STS", "ATOMS"}       # appears; the kernels here use explicit LDS/LDG
_LDG = {"LDG", "ATOMG", "ATOM", "RED", "REDG", "LDGSTS"}
_STG = {"STG", "ST"}
_LOCAL = {"LDL", "STL"}
_CONTROL = {"BRA", "BRX", "JMP", "JMX", "CALL", "RET", "EXIT", "BSSY", "BSYNC", "WARPSYNC",
            "BAR", "NOP", "YIELD", "BREAK", "KILL", "ENDCOLLECTIVE", "VOTE", "VOTEU", "MEMBAR",
            "DEPBAR", "ERRBAR", "CCTL", "FENCE", "BPT", "S2R", "S2UR", "NANOSLEEP", "MATCH",
            "ACQBULK", "ELECT"}


def classify(base):
    if base in _FP32:
        return "fp32"
    if base in _FP64:
        return "fp64"
    if base == "DMMA":
        return "dmma"  # FP64 tensor core (mma.sync m8n8k4 .f64 = DMMA.884)
    if base == "HMMA":
        return "hmma"  # TF32/FP16 tensor core (mma.sync m16n8k8 .tf32 = HMMA.1688.F32.TF32)
    if base in _IMAD:
        return "imad"
    if base == "MUFU":
        return "mufu"
    if base == "SHFL":
        return "shfl"
    if base in _CONV:
        return "conv"
    if base in _LDS:
        return "lds"
    if base in _STS:
        return "sts"
    if base in _LDG:
        return "ldg"
    if base in _STG:
        return "stg"
    if base in _LOCAL:
        return "local"
    if base in ("LDC",):
        return "const"
    if base in _CONTROL:
        return "control"
    if base.startswith("U") and base not in ("UNKNOWN",):
        return "uniform"
    if base in _INT:
        return "int"
    return "control"  # unknown opcodes: issue slot only (listed by --dump)


def access_bytes(opcode):
    """Bytes per lane of a load/store opcode (LDG.E.64 -> 8, LDS.128 -> 16, default 4)."""
    for width, nbytes in ((".128", 16), (".64", 8), (".U8", 1), (".S8", 1), (".U16", 2),
                          (".S16", 2)):
        if width in opcode:
            return nbytes
    return 4


# --------------------------------------------------------------------------------------------
# nvdisasm output


class Instr(object):
    __slots__ = ("addr", "text", "pred", "opcode", "base", "cls", "src", "target", "uncond")

    def __init__(self, addr, text, src):
        self.addr = addr
        self.text = text
        m = re.match(r"(@!?U?P(?:T|\d+)\s+)?(\S+)\s*(.*)$", text)
        self.pred = m.group(1).strip() if m.group(1) else None
        self.opcode = m.group(2)
        self.base = self.opcode.split(".")[0]
        self.cls = classify(self.base)
        self.src = src  # (path, line) innermost, or None
        t = re.search(r"`\(([^)]+)\)", text)
        self.target = t.group(1) if t else None
        # "@P0 BRA P1, L" is conditional; "BRA L" and "@PT BRA L" are not
        self.uncond = self.pred in (None, "@PT")


class Kernel(object):
    def __init__(self, mangled, cubin, member):
        self.mangled = mangled
        self.name = mangled
        self.cubin = cubin
        self.member = member
        self.instrs = []
        self.labels = {}  # label -> address
        self.resources = {"reg": 0, "stack": 0, "shared": 0, "local": 0}
        self.analysis = None

    def __repr__(self):
        return "Kernel(%s)" % self.name


def parse_nvdisasm(text, cubin, member):
    """Kernels (entry functions) of `nvdisasm -c -gi` output, in file order."""
    kernels = []
    current = None
    pending_labels = []
    pending_src = []
    src = None
    for line in text.splitlines():
        m = re.match(r"//-+ \.text\.(\S+) -+", line)
        if m:
            current = Kernel(m.group(1), cubin, member)
            kernels.append(current)
            pending_labels, pending_src, src = [], [], None
            continue
        if current is None:
            continue
        if line.startswith("//-----"):
            current = None
            continue
        m = re.match(r'\s*//## File "([^"]+)", line (\d+)', line)
        if m:
            pending_src.append((m.group(1), int(m.group(2))))
            continue
        m = re.match(r"^([.$\w][\w.$]*):\s*$", line)
        if m:
            pending_labels.append(m.group(1))
            continue
        m = re.match(r"\s*/\*([0-9a-f]{4,})\*/\s+(.*?)\s*;", line)
        if m:
            addr = int(m.group(1), 16)
            if pending_src:
                src = pending_src[0]  # the first File line of a group is the innermost frame
                pending_src = []
            for label in pending_labels:
                current.labels[label] = addr
            pending_labels = []
            current.instrs.append(Instr(addr, m.group(2), src))
    return [k for k in kernels if k.instrs]


def demangle(names):
    tool = shutil.which("c++filt") or shutil.which("cu++filt")
    if not tool or not names:
        return {n: n for n in names}
    proc = subprocess.run([tool], input="\n".join(names), stdout=subprocess.PIPE,
                          universal_newlines=True)
    lines = proc.stdout.splitlines()
    if len(lines) != len(names):
        return {n: n for n in names}
    return dict(zip(names, lines))


def load_library(library, cuobjdump, nvdisasm, keep_dir=None):
    """All sm_90 kernels of the library with resources, instructions and line info."""
    workdir = keep_dir or tempfile.mkdtemp(prefix="boltzkit_sass_")
    try:
        kernels = []
        for member, cubin in extract_cubins(library, cuobjdump, workdir):
            res = resource_usage(cuobjdump, cubin)
            text = _run([nvdisasm, "-c", "-gi", cubin])
            if keep_dir:
                with open(cubin + ".sass", "w") as fh:
                    fh.write(text)
            for k in parse_nvdisasm(text, os.path.basename(cubin), member):
                if k.mangled in res:
                    k.resources = res[k.mangled]
                kernels.append(k)
        names = demangle([k.mangled for k in kernels])
        for k in kernels:
            k.name = names.get(k.mangled, k.mangled)
        return kernels
    finally:
        if not keep_dir:
            shutil.rmtree(workdir, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Source lines (for naming loops only)


class SourceIndex(object):
    """Reads the source lines that the line table names. The path recorded at compile time is
    tried first when it lies under `root` (the checkout holding this script, by default); if it
    does not exist (sources moved since the build) or lies outside `root` (an object from another
    checkout through a shared ccache), a file with the same base name is looked up under `root`,
    preferring the one that shares the most trailing folders with the recorded path."""

    def __init__(self, root):
        self.root = root
        self._files = {}
        self._by_base = None

    def _find_by_base(self, path):
        base = os.path.basename(path)
        if self._by_base is None:
            self._by_base = {}
            if self.root and os.path.isdir(self.root):
                for d, dirs, files in os.walk(self.root):
                    dirs[:] = [x for x in dirs if not x.startswith(".") and x != "build"]
                    for f in files:
                        self._by_base.setdefault(f, []).append(os.path.join(d, f))
        found = self._by_base.get(base, [])
        if len(found) <= 1:
            return found[0] if found else None

        # several files with that name: the one sharing the most trailing folders with `path`
        def shared(candidate):
            a = os.path.normpath(candidate).split(os.sep)[::-1]
            b = os.path.normpath(path).split(os.sep)[::-1]
            n = 0
            while n < min(len(a), len(b)) and a[n] == b[n]:
                n += 1
            return n
        ranked = sorted(found, key=shared, reverse=True)
        return ranked[0] if shared(ranked[0]) > shared(ranked[1]) else None

    def _in_root(self, path):
        """The checkout's own copy of a recorded path under another checkout (ccache with a
        shared CCACHE_BASEDIR hands out objects whose line tables name the worktree that first
        compiled them, whose sources may differ): the longest trailing part of the path that
        starts with kernels/ or host/ and exists under root."""
        if not self.root:
            return None
        parts = os.path.normpath(path).split(os.sep)
        for i, part in enumerate(parts):
            if part in ("kernels", "host"):
                mine = os.path.join(self.root, *parts[i:])
                if os.path.isfile(mine):
                    return mine
        return None

    def lines(self, path):
        if path in self._files:
            return self._files[path]
        candidate = os.path.normpath(path)
        root = os.path.abspath(self.root) if self.root else None
        outside = root is not None and not os.path.abspath(candidate).startswith(root + os.sep)
        if not os.path.isfile(candidate) or outside:
            # a shared compiler cache can hand over objects compiled in another checkout, whose
            # line tables name that checkout's (possibly different) files: prefer this one's
            candidate = self._find_by_base(path) or (candidate if os.path.isfile(candidate) else None)
        lines = None
        if candidate:
            with open(candidate, errors="replace") as fh:
                lines = fh.read().splitlines()
        self._files[path] = lines
        return lines

    def text(self, src):
        if not src:
            return None
        lines = self.lines(src[0])
        if lines is None or not 1 <= src[1] <= len(lines):
            return None
        return lines[src[1] - 1]

    def function_range(self, path, func):
        """(first, last) 1-based lines of the definition of `func` in the file of `path`:
        the first line that names func( and is not a call (no ';' before a '{' follows), up to
        the next line that is a lone '}' at column 0."""
        lines = self.lines(path)
        if lines is None:
            return None
        pat = re.compile(r"(?<![\w.>])" + re.escape(func) + r"\s*\(")
        for i, line in enumerate(lines):
            code = line.split("//")[0]
            if not pat.search(code) or "=" in code.split(func)[0] or "return" in code:
                continue
            # a definition: a '{' comes before any ';' from here on
            rest = "\n".join(lines[i:i + 12])
            brace, semi = rest.find("{"), rest.find(";")
            if brace < 0 or (0 <= semi < brace):
                continue
            for j in range(i + 1, len(lines)):
                if lines[j].rstrip() == "}":
                    return (i + 1, j + 1)
            return (i + 1, len(lines))
        return None


    def loop_range(self, src):
        """(first, last) lines of the `for` statement whose latch the line table puts at `src`:
        the nearest `for (` at or up to 4 lines above it, through its closing brace (or its
        terminating ';' when the body has no braces)."""
        lines = self.lines(src[0]) if src else None
        if lines is None:
            return None
        start = None
        for i in range(src[1] - 1, max(-1, src[1] - 6), -1):
            if re.search(r"\bfor\s*\(", lines[i].split("//")[0]):
                start = i
                break
        if start is None:
            return (src[1], src[1])
        text = "\n".join(l.split("//")[0] for l in lines[start:start + 200])
        pos = text.find("for")
        pos = text.find("(", pos)
        depth = 0
        while pos < len(text):
            ch = text[pos]
            depth += (ch == "(") - (ch == ")")
            pos += 1
            if depth == 0:
                break
        rest = text[pos:]
        stripped = rest.lstrip()
        if stripped.startswith("{"):
            pos += len(rest) - len(stripped)
            depth = 0
            while pos < len(text):
                ch = text[pos]
                depth += (ch == "{") - (ch == "}")
                pos += 1
                if depth == 0:
                    break
        else:
            depth = 0
            while pos < len(text):
                ch = text[pos]
                depth += (ch in "({") - (ch in ")}")
                pos += 1
                if ch == ";" and depth == 0:
                    break
        return (start + 1, start + 1 + text[:pos].count("\n"))


# --------------------------------------------------------------------------------------------
# Control flow: hot region, cold blocks, loops


class Loop(object):
    def __init__(self, header, latch, latch_instr):
        self.header = header
        self.latch = latch
        self.latch_instr = latch_instr
        self.parent = None
        self.children = []
        self.own = Counter()        # classes of the instructions whose innermost loop is this one
        self.own_opcodes = Counter()  # base opcodes of the same
        self.source = None          # (basename, line, text) of the backward branch

    @property
    def size(self):
        return sum(self.own.values())

    def contains(self, other):
        return self.header <= other.header and other.latch <= self.latch and self is not other

    def label(self):
        return "%05x-%05x" % (self.header, self.latch)


class Analysis(object):
    """Per kernel: which instructions are on the hot path and which loop each belongs to."""

    def __init__(self, kernel):
        self.kernel = kernel
        instrs = kernel.instrs
        # The hot region ends at the last unpredicated EXIT before the first subroutine label
        # ($__internal_..., the out-of-line slow paths): the code after it is the non-converged
        # WARPSYNC.COLLECTIVE fallback copies and the slow paths, assumed not executed.
        sub_start = min([a for lab, a in kernel.labels.items() if lab.startswith("$")] or
                        [instrs[-1].addr + 16])
        exits = [i.addr for i in instrs
                 if i.base == "EXIT" and i.pred is None and i.addr < sub_start]
        self.hot_end = max(exits) if exits else sub_start - 16
        # Basic blocks inside the hot region that CALL a subroutine (the slow path of a 64-bit
        # division or of an IEEE sqrt/rcp/div): cold. A block starts at a label and ends after a
        # branch/EXIT/RET.
        label_addrs = set(kernel.labels.values())
        self.cold = set()
        block = []
        self.calls = []

        def close(b):
            if any(x.base == "CALL" for x in b):
                for x in b:
                    self.cold.add(x.addr)
                self.calls.extend(x.target for x in b if x.base == "CALL")

        for ins in instrs:
            if ins.addr > self.hot_end:
                break
            if ins.addr in label_addrs and block:
                close(block)
                block = []
            block.append(ins)
            if ins.base in ("BRA", "BRX", "JMP", "EXIT", "RET"):
                close(block)
                block = []
        close(block)
        # Loops: backward branches inside the hot region; one loop per header (several latches
        # of one header are merged).
        by_header = OrderedDict()
        for ins in instrs:
            if ins.addr > self.hot_end or ins.addr in self.cold:
                continue
            if ins.base == "BRA" and ins.target in kernel.labels:
                target = kernel.labels[ins.target]
                if target <= ins.addr:
                    if target in by_header:
                        loop = by_header[target]
                        if ins.addr > loop.latch:
                            loop.latch, loop.latch_instr = ins.addr, ins
                    else:
                        by_header[target] = Loop(target, ins.addr, ins)
        self.loops = sorted(by_header.values(), key=lambda l: (l.header, -l.latch))
        self.warnings = []
        for loop in self.loops:
            enclosing = [o for o in self.loops if o.contains(loop)]
            if enclosing:
                loop.parent = min(enclosing, key=lambda o: o.latch - o.header)
                loop.parent.children.append(loop)
            for o in self.loops:
                if o is not loop and (o.header < loop.header <= o.latch < loop.latch):
                    self.warnings.append("loops %s and %s overlap" % (o.label(), loop.label()))
        self.innermost = {}
        self.outside = Counter()  # hot instructions in no loop (prologue / epilogue)
        self.n_cold = 0
        for ins in instrs:
            hot = ins.addr <= self.hot_end and ins.addr not in self.cold
            if not hot:
                self.n_cold += 1
                continue
            owners = [l for l in self.loops if l.header <= ins.addr <= l.latch]
            owner = min(owners, key=lambda l: l.latch - l.header) if owners else None
            self.innermost[ins.addr] = owner
            if owner is None:
                self.outside[ins.cls] += 1
            else:
                owner.own[ins.cls] += 1
                owner.own_opcodes[ins.base] += 1

    def hot_count(self):
        return sum(1 for i in self.kernel.instrs
                   if i.addr <= self.hot_end and i.addr not in self.cold)

    def top_loops(self):
        return [l for l in self.loops if l.parent is None]


LSU_CLASSES = ("lds", "sts", "ldg", "stg", "local")


def lsu_cycles(ins):
    """LSU cycles of one warp instruction at 32 lanes and 128 bytes per clock per SM:
    max(1, 32 lanes x bytes / 128)."""
    if ins.cls not in LSU_CLASSES:
        return 0.0
    return max(1.0, 32.0 * access_bytes(ins.opcode) / 128.0)


def name_loops(analysis, sources):
    for loop in analysis.loops:
        src = loop.latch_instr.src
        text = sources.text(src) if src else None
        loop.source = (os.path.basename(src[0]) if src else "?", src[1] if src else 0,
                       text.strip() if text else None)
