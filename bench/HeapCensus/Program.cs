// What a dump's live objects are, by type: a heap census for the memory figure of bench/README.md. Reachability is
// computed from the runtime's roots, so garbage not yet collected is left out; large byte arrays are also listed with
// the chain of objects that keeps them, to tell fixed assets and pools from what grows with the fleet; so are the objects
// of any type named by the fourth argument.
using System.Globalization;
using Microsoft.Diagnostics.Runtime;

if (args.Length is < 1 or > 4)
{
    Console.WriteLine("Usage: HeapCensus <dump> [InferenceSets to divide by, default 1] [types to list, default 40] [type name part: list what keeps those]");
    return 2;
}

var divisor = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 1;
var top = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 40;
var traced = args.Length > 3 ? args[3] : null;
using var target = DataTarget.LoadDump(args[0]);
// The dump comes from this machine's runtime (Fleet.Load --dump): read it with the DAC beside this process's runtime
// (ClrMD 4 reads no version from a Linux dump made by createdump, so it is not checked against one).
var localDac = Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "libmscordaccore.so");
using var runtime = File.Exists(localDac) ? target.ClrVersions[0].CreateRuntime(localDac, ignoreMismatch: true) : target.ClrVersions[0].CreateRuntime();
var heap = runtime.Heap;

// Marks what the roots reach, remembering one referrer per object.
var referrer = new Dictionary<ulong, ulong>();
var live = new HashSet<ulong>();
var pending = new Stack<ClrObject>();
foreach (var root in heap.EnumerateRoots())
{
    if (root.Object.IsValid && live.Add(root.Object.Address))
    {
        pending.Push(root.Object);
    }
}

while (pending.Count > 0)
{
    var current = pending.Pop();
    foreach (var reference in current.EnumerateReferences(carefully: false, considerDependantHandles: true))
    {
        if (reference.IsValid && live.Add(reference.Address))
        {
            referrer[reference.Address] = current.Address;
            pending.Push(reference);
        }
    }
}

var byType = new Dictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
var large = new Dictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
var keptByName = new Dictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
long total = 0;
foreach (var obj in heap.EnumerateObjects())
{
    if (!obj.IsValid || obj.IsFree || !live.Contains(obj.Address))
    {
        continue;
    }

    var size = (long)obj.Size;
    var name = obj.Type?.Name ?? "?";
    total += size;
    if (name == "System.Byte[]")
    {
        name = "System.Byte[] " + SizeClass(size);
        if (size > 65536)
        {
            Add(large, KeptBy(obj.Address), size);
        }
    }

    if (traced is not null && name.Contains(traced, StringComparison.Ordinal))
    {
        Add(keptByName, $"{name} ← {KeptBy(obj.Address)}", size);
    }

    Add(byType, name, size);
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"live objects: {total / 1e6:0.0} MB; figures per {divisor:N0}"));
Console.WriteLine("| KB | objects | type |");
Console.WriteLine("| ---: | ---: | --- |");
foreach (var (name, entry) in byType.OrderByDescending(t => t.Value.Bytes).Take(top))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {entry.Bytes / 1024.0 / divisor:0.00} | {entry.Count / divisor:0.0} | {name} |"));
}

Console.WriteLine();
Console.WriteLine("Byte arrays over 64 KB, by what keeps them (whole heap):");
foreach (var (chain, entry) in large.OrderByDescending(t => t.Value.Bytes).Take(10))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- {entry.Bytes / 1e6:0.0} MB in {entry.Count}: {chain}"));
}

if (traced is not null)
{
    Console.WriteLine();
    Console.WriteLine($"Objects whose type contains '{traced}', by what keeps them (whole heap):");
    foreach (var (chain, entry) in keptByName.OrderByDescending(t => t.Value.Bytes).Take(10))
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- {entry.Bytes / 1e3:0.0} KB in {entry.Count}: {chain}"));
    }
}

return 0;

static void Add(Dictionary<string, (long Count, long Bytes)> table, string key, long size) =>
    table[key] = table.TryGetValue(key, out var entry) ? (entry.Count + 1, entry.Bytes + size) : (1, size);

static string SizeClass(long size) =>
    size <= 1024 ? "(≤ 1 KB)" : size <= 4200 ? "(≤ 4 KB)" : size <= 16500 ? "(≤ 16 KB)" : size <= 65600 ? "(≤ 64 KB)" : "(> 64 KB)";

string KeptBy(ulong address)
{
    var chain = new List<string>();
    for (var depth = 0; depth < 4 && referrer.TryGetValue(address, out var up); depth++)
    {
        chain.Add(heap.GetObject(up).Type?.Name ?? "?");
        address = up;
    }

    return string.Join(" ← ", chain);
}
