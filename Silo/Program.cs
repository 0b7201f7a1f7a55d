using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Silo.Hosting;
using OrleansKaitoScaler.Silo.Kubernetes;
using OrleansKaitoScaler.Silo.Standalone;

if (CommandLine.WantsHelp(args))
{
    Console.WriteLine(CommandLine.Help);
    return 0;
}

try
{
    var app = ScalerApp.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is OptionsValidationException or InventoryFileException or KubernetesStartupException)
{
    await Console.Error.WriteLineAsync($"orleans-kaito-scaler: {e.Message}");
    return 2;
}
