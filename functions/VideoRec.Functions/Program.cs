using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using VideoRec.Api;
using VideoRec.Core.Bundles;
using VideoRec.Core.Serving;
using VideoRec.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddOptions<FunctionSettings>()
    .Bind(builder.Configuration.GetSection(FunctionSettings.Section))
    .ValidateDataAnnotations()
    .ValidateOnStart();
builder.Services.AddSingleton<IModelBundleProvider>(sp =>
    new FixedModelBundleProvider(ModelBundle.Load(sp.GetRequiredService<IOptions<FunctionSettings>>().Value.ModelPath)));
builder.Services.AddRecommendationServing();
builder.Build().Run();
