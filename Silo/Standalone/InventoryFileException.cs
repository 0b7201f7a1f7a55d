namespace OrleansKaitoScaler.Silo.Standalone;

/// <summary>The standalone inventory file is malformed; the message names the offending entry.</summary>
public sealed class InventoryFileException : Exception
{
    public InventoryFileException(string message)
        : base(message)
    {
    }

    public InventoryFileException()
    {
    }

    public InventoryFileException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
