using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using VideoRec.Functions;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddVideoRecFunctions(builder.Configuration);
builder.Build().Run();
