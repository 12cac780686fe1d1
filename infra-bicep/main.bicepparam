// Default parameters, used by `azd up` (azure.yaml) and by `az deployment group create -p infra-bicep/main.bicepparam`:
// the small dev sizing of parameters/dev.bicepparam, named after the azd environment (AZURE_ENV_NAME, default dev).
// For production use parameters/prod.bicepparam, which explains its arithmetic.
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'dev')
param cosmosCapacityMode = 'Serverless'
param searchSku = 'basic'
param recommendAlwaysReadyInstances = 0
