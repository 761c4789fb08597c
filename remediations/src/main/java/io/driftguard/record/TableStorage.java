package io.driftguard.record;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.TableServiceClient;
import com.azure.data.tables.TableServiceClientBuilder;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableServiceException;
import io.driftguard.concurrent.Background;
import io.driftguard.state.EndpointPinPolicy;
import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The tables driftguard keeps in the Functions storage account; each created on its first use, not at wiring, so a
 * storage outage at start-up fails only the storage calls (which the engine treats as best effort), not the start.
 */
public final class TableStorage {

  static final String AUDIT_TABLE = "DriftguardAudit";
  static final String FLAPPING_TABLE = "DriftguardFlapping";
  static final String SWEEPS_TABLE = "DriftguardSweeps";
  static final String CLAIMS_TABLE = "DriftguardClaims";
  static final String FINDINGS_TABLE = "DriftguardFindings";
  static final String FINDING_HISTORY_TABLE = "DriftguardFindingHistory";

  private final Supplier<TableServiceClient> service;

  private TableStorage(Supplier<TableServiceClient> service) {
    this.service = service;
  }

  /** A connection string as is; a table service URI with driftguard's own identity (no account key). */
  public static TableStorage connect(StorageTarget target, TokenCredential credential, HttpClient httpClient,
                                     ExponentialBackoffOptions backoff) {
    TableServiceClientBuilder builder = new TableServiceClientBuilder().retryOptions(new RetryOptions(backoff));
    if (httpClient != null) {
      builder.httpClient(httpClient);
    }
    if (target.connectionString().isPresent()) {
      builder.connectionString(target.connectionString().get());
    } else {
      builder.endpoint(target.tableServiceUri().orElseThrow().toString()).credential(credential);
    }
    // Built in the background: on a cold start the Tables SDK's set-up overlaps the rest of the wiring and the
    // parsing of the delivery, and the event's claim is the first to wait for it.
    return new TableStorage(Background.start("driftguard-table-client", () -> {
      // The endpoint as the builder resolved it (a connection string names it too): requests go there, nowhere else.
      builder.addPolicy(new EndpointPinPolicy(URI.create(builder.buildClient().getServiceEndpoint())));
      return builder.buildClient();
    }));
  }

  Supplier<TableClient> table(String name) {
    return new Supplier<>() {
      private volatile TableClient created;

      @Override
      public TableClient get() {
        TableClient table = created;
        if (table == null) {
          service.get().createTableIfNotExists(name);
          table = service.get().getTableClient(name);
          created = table;
        }
        return table;
      }
    };
  }

  /** A point query: an absent entity is an empty answer, not a 404 the SDK would log as an error. Keys must be safe. */
  static Optional<TableEntity> find(TableClient table, String partitionKey, String rowKey) {
    ListEntitiesOptions pointQuery = new ListEntitiesOptions()
        .setFilter("PartitionKey eq '" + partitionKey + "' and RowKey eq '" + rowKey + "'");
    return table.listEntities(pointQuery, null, null).stream().findFirst();
  }

  /** A conditional write lost a race: the entity exists already (409) or changed since it was read (412). */
  static boolean lostRace(TableServiceException e) {
    int status = e.getResponse().getStatusCode();
    return status == 409 || status == 412;
  }
}
