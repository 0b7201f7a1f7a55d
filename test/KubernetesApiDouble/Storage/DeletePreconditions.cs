namespace OrleansKaitoScaler.KubernetesApiDouble.Storage;

/// <summary>The <c>preconditions</c> of a DeleteOptions body: delete only if the object still has this uid / resourceVersion.</summary>
internal sealed record DeletePreconditions(string? Uid, string? ResourceVersion)
{
    public static DeletePreconditions None { get; } = new(null, null);
}
