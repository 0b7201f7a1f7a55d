using System.Diagnostics.CodeAnalysis;

namespace OrleansKaitoScaler.KubernetesApiDouble;

/// <summary>Either a value or the <see cref="ApiError"/> the server answers with; expected failures are values, not exceptions.</summary>
internal readonly struct Outcome<T>
    where T : class
{
    private Outcome(T? value, ApiError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }

    public ApiError? Error { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(ApiError error) => new(null, error);

    /// <summary>The value, or an exception carrying the Status message, for callers (test seeding) that treat failure as a bug.</summary>
    public T OrThrow() =>
        Succeeded ? Value : throw new InvalidOperationException($"{Error.Code} {Error.Reason}: {Error.Message}");
}
