using System.ComponentModel.DataAnnotations;

namespace Movement.Store;

/// <summary>Bound from <c>Movement:Store</c>.</summary>
public sealed class StoreOptions
{
    public const string SectionName = "Movement:Store";

    /// <summary>Site to record, or "+" for every site on the broker.</summary>
    [Required]
    public string Site { get; set; } = "+";

    [Required]
    public string SqlitePath { get; set; } = "data/movement.db";
}
