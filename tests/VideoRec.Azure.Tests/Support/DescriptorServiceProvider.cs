using Microsoft.Extensions.DependencyInjection;

namespace VideoRec.Azure.Tests.Support;

/// <summary>
/// A minimal service provider over registrations (the test project has the DI abstractions, not the container):
/// singletons only, the last registration of a (type, key) wins, instances are created once.
/// </summary>
internal sealed class DescriptorServiceProvider(IServiceCollection services) : IKeyedServiceProvider, IDisposable
{
    private readonly Dictionary<(Type, object?), object> _instances = [];

    public object? GetService(Type serviceType) => GetKeyedService(serviceType, null);

    public object? GetKeyedService(Type serviceType, object? serviceKey)
    {
        if (_instances.TryGetValue((serviceType, serviceKey), out var existing))
        {
            return existing;
        }

        var descriptor = services.LastOrDefault(d => d.ServiceType == serviceType && Equals(d.ServiceKey, serviceKey));
        if (descriptor is null)
        {
            return null;
        }

        Assert.Equal(ServiceLifetime.Singleton, descriptor.Lifetime);
        var instance = descriptor.IsKeyedService
            ? descriptor.KeyedImplementationInstance ?? descriptor.KeyedImplementationFactory!(this, serviceKey)
            : descriptor.ImplementationInstance ?? descriptor.ImplementationFactory!(this);
        _instances[(serviceType, serviceKey)] = instance;
        return instance;
    }

    public object GetRequiredKeyedService(Type serviceType, object? serviceKey) =>
        GetKeyedService(serviceType, serviceKey) ?? throw new InvalidOperationException($"No {serviceType.Name} registered under '{serviceKey}'.");

    public void Dispose()
    {
    }
}
