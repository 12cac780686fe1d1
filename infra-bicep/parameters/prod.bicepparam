// Production sizing for a homepage with 1 million daily active users and a 2 million video catalogue.
//   az deployment group create -g rg-videorec-prod -f infra-bicep/main.bicep -p infra-bicep/parameters/prod.bicepparam
//
// Traffic assumed: each active user opens the homepage 4 times a day and sends about 40 events a day (impressions,
// clicks, watches, likes): 40M events/day = 463 events/s on average; with a peak hour at about 2x the mean,
// the peak is about 1,000 events/s. Homepage loads: 4M/day = 46/s on average, about 100 recommend calls/s at peak.
// Re-run the arithmetic below with your own numbers; the per-operation costs are estimates to check against the
// request charges the Cosmos SDK reports and the queue and hub metrics once real traffic flows.
using '../main.bicep'

param environmentName = 'prod'

// Function app. Recommend is the latency-critical path: 2 always-ready instances in the HTTP group (one per zone
// pair, so a deployment or an instance recycle never leaves it cold) absorb ~100 requests/s at 16 concurrent
// requests each with single-digit-ms handler times; the plan scales out past them on load. 4,096 MB per instance:
// the WALS bundle holds (users + videos) x 64 factors x 4 bytes = (3M + 2M) x 256 B = 1.3 GB of factors, plus the
// seen matrix and the catalogue; 2,048 MB would not hold a bundle being swapped in beside the one serving.
param recommendAlwaysReadyInstances = 2
param functionInstanceMemoryMB = 4096
param functionMaximumInstances = 100
param httpConcurrency = 16

// Storage queues. The ingest endpoint packs each request's accepted events into messages of at most 48 KiB
// (EventBatchCodec). Clients send about 20 events per request (~250 B each, 5 KB per message): 1,000 events/s is
// 50 messages/s, and each message costs 3 storage transactions (put, get, delete) = 150 transactions/s, against a
// single queue's target of 2,000 messages/s and an account's 20,000 requests/s: one queue has 10x headroom even at
// 40 events/s per single-event client request. Zone-redundant so ingestion survives a zone outage.
param storageSku = 'Standard_ZRS'

// Cosmos DB RU/s. Applying one event costs, with the trimmed indexing policies of cosmos.bicep:
//   raw interaction insert (~1 KB, ~10 indexed paths)          ~ 7 RU
//   user aggregates replace (~3 KB), shared by the ~5 events a user has in one batch: 12 RU / 5 ~ 2.5 RU
//   video marker insert + statistics replace                    ~ 12 RU
//   point reads of aggregates and statistics                    ~ 2 RU
//   fold-in vector refresh (read interactions, write vector), amortised ~ 2 RU
//   total                                                       ~ 25 RU per event
// 1,000 events/s x 25 RU = 25,000 RU/s of writes at peak. Recommend reads the user's serving state (2 point reads,
// ~2 RU) per call: 100 calls/s = 200 RU/s. Embedding upserts and search caches: under 1,000 RU/s. Total ~26,200,
// plus 15% headroom for retries and hot partitions = 30,130, rounded to 30,000 RU/s. Autoscale bills the hourly peak and idles at 10%
// (3,000 RU/s) at night. Partition keys (/userId, /videoId) spread writes: 30,000 RU/s needs 3 physical partitions
// (10,000 RU/s each), and no single user or video comes near 10,000 RU/s.
param cosmosCapacityMode = 'Autoscale'
param cosmosAutoscaleMaxThroughput = 30000
param cosmosZoneRedundant = true

// AI Search. A catalogue document: title and tags (~0.5 KB) and two 1,536-float embeddings (title, tags) of
// 6 KiB each. Vectors: 2M x 2 x 6 KiB = 24.6 GB, x1.1 for the HNSW graph = 27 GB. An S1 (standard) partition holds
// 160 GB and 35 GB of vector index (services created since 2024), so one partition would be 77% full on day one;
// 2 partitions give 70 GB of vector quota, room for ~5M videos. Storage: 2M x ~13 KB x 2 (stored + indexed)
// = 52 GB of 320 GB. Replicas: 3 for the 99.9% read-write SLA, and 3 x ~15 queries/s per replica comfortably
// serve the similar-videos and search traffic (~20 queries/s at peak).
param searchSku = 'standard'
param searchReplicas = 3
param searchPartitions = 2

// Azure OpenAI. Steady state: ~20,000 new or edited videos a day x 2 texts x ~25 tokens = 1M tokens/day, plus
// ~300,000 distinct search queries a day x ~8 tokens = 2.4M: under 3,000 tokens/min on average. The size is set
// by backfill: re-embedding the 2M-video catalogue (2M x 2 x 25 = 100M tokens) at 350K tokens/min takes ~5 hours.
param embeddingDeploymentSku = 'GlobalStandard'
param embeddingCapacity = 350

// Event Hubs for high-volume producers (server-side clients forwarding all their events): 1 throughput unit admits
// 1,000 events/s or 1 MB/s. At 1,000 events/s x ~250 B = 250 KB/s the event count binds: 2 units leave 2x headroom,
// auto-inflate to 10 absorbs a backfill or a viral spike. 16 partitions let 16 consumers run in parallel (the
// partition count cannot be lowered later, so it is sized for growth); partition key = user id keeps a user's
// events in order.
param eventHubsThroughputUnits = 2
param eventHubsMaximumThroughputUnits = 10
param eventHubPartitions = 16

param logRetentionDays = 90
