using System.ComponentModel.DataAnnotations;

namespace OrleansKaitoScaler.Silo.Standalone;

/// <summary>Standalone mode (configuration section <c>Standalone</c>): InferenceSets from a YAML file instead of Kubernetes.</summary>
public sealed class StandaloneOptions
{
    public const string SectionName = "Standalone";

    /// <summary>The inventory file (<c>--inventory</c>); relative paths are resolved against the working directory, then the app folder.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Inventory { get; set; } = "inventory.yaml";

    /// <summary>How often the file is re-read in case a change notification was missed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
