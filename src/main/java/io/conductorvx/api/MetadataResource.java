package io.conductorvx.api;

import com.fasterxml.jackson.core.type.TypeReference;
import io.conductorvx.engine.TaskDefCache;
import io.conductorvx.error.ConductorException;
import io.conductorvx.model.BulkResponse;
import io.conductorvx.model.TaskDef;
import io.conductorvx.model.WorkflowDef;
import io.conductorvx.model.WorkflowDefSummary;
import io.conductorvx.store.MetadataStore;
import io.conductorvx.validation.DefinitionValidator;
import io.vertx.core.Vertx;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** /api/metadata: task and workflow definitions. */
final class MetadataResource {
  private static final TypeReference<List<TaskDef>> TASK_DEFS = new TypeReference<>() {};
  private static final TypeReference<List<WorkflowDef>> WORKFLOW_DEFS = new TypeReference<>() {};

  private final Vertx vertx;
  private final MetadataStore store;
  private final TaskDefCache taskDefCache;
  private final DefinitionValidator validator;

  MetadataResource(Vertx vertx, MetadataStore store, TaskDefCache taskDefCache, DefinitionValidator validator) {
    this.vertx = vertx;
    this.store = store;
    this.taskDefCache = taskDefCache;
    this.validator = validator;
  }

  void mount(Router r) {
    Routes.handle(r.post("/api/metadata/taskdefs"), this::createTaskDefs);
    Routes.handle(r.put("/api/metadata/taskdefs"), this::updateTaskDef);
    Routes.handle(r.get("/api/metadata/taskdefs"), ctx -> store.listTaskDefs().map(Reply::json));
    Routes.handle(r.get("/api/metadata/taskdefs/:name"), this::getTaskDef);
    Routes.handle(r.delete("/api/metadata/taskdefs/:name"), this::deleteTaskDef);

    Routes.handle(r.post("/api/metadata/workflow/validate"), this::validateWorkflowDef);
    Routes.handle(r.get("/api/metadata/workflow/latest-versions"), ctx -> latestVersions().map(Reply::json));
    Routes.handle(r.get("/api/metadata/workflow/names-and-versions"), this::namesAndVersions);
    Routes.handle(r.get("/api/metadata/workflow/names"), this::names);
    Routes.handle(r.post("/api/metadata/workflow"), this::createWorkflowDef);
    Routes.handle(r.put("/api/metadata/workflow"), this::updateWorkflowDefs);
    Routes.handle(r.get("/api/metadata/workflow"), ctx -> store.listWorkflowDefs().map(Reply::json));
    Routes.handle(r.get("/api/metadata/workflow/:name/versions"), this::versions);
    Routes.handle(r.get("/api/metadata/workflow/:name"), this::getWorkflowDef);
    Routes.handle(r.delete("/api/metadata/workflow/:name/:version"), this::deleteWorkflowDef);
  }

  private Future<Reply> createTaskDefs(RoutingContext ctx) {
    List<TaskDef> defs = Requests.body(ctx, TASK_DEFS);
    if (defs.isEmpty()) {
      throw ConductorException.invalid(List.of("taskDefs: TaskDefList is empty"));
    }
    List<ConductorException.Violation> violations = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (int i = 0; i < defs.size(); i++) {
      TaskDef def = defs.get(i);
      String at = "[" + i + "]";
      if (def == null) {
        violations.add(new ConductorException.Violation(at, "a task definition must not be null"));
        continue;
      }
      DefinitionValidator.validate(def).forEach(v -> violations.add(new ConductorException.Violation(at + "." + v.path(), v.message())));
      def.createTime = now;
    }
    if (!violations.isEmpty()) {
      throw ConductorException.violations(violations);
    }
    return store.saveTaskDefs(defs).map(v -> {
      taskDefCache.putAll(defs);
      return Reply.ok();
    });
  }

  private Future<Reply> updateTaskDef(RoutingContext ctx) {
    TaskDef def = Requests.body(ctx, TaskDef.class);
    List<ConductorException.Violation> violations = DefinitionValidator.validate(def);
    if (!violations.isEmpty()) {
      throw ConductorException.violations(violations);
    }
    return store.getTaskDef(def.name).compose(existing -> {
      if (existing == null) {
        return Future.failedFuture(ConductorException.notFound("No such taskType found by name: " + def.name));
      }
      def.createTime = existing.createTime;
      def.createdBy = existing.createdBy;
      def.updateTime = System.currentTimeMillis();
      return store.saveTaskDefs(List.of(def)).map(v -> {
        taskDefCache.put(def);
        return Reply.ok();
      });
    });
  }

  private Future<Reply> getTaskDef(RoutingContext ctx) {
    String name = Requests.path(ctx, "name");
    return store.getTaskDef(name).map(def -> {
      if (def == null) {
        throw ConductorException.notFound("No such taskType found by name: " + name);
      }
      return Reply.json(def);
    });
  }

  private Future<Reply> deleteTaskDef(RoutingContext ctx) {
    String name = Requests.path(ctx, "name");
    return store.deleteTaskDef(name).map(deleted -> {
      taskDefCache.remove(name);
      if (!deleted) {
        throw ConductorException.notFound("No such task definition: " + name);
      }
      return Reply.ok();
    });
  }

  /** Succeeds with the definition when it breaks no rule, else fails with every violation (400). */
  private Future<WorkflowDef> checked(WorkflowDef def) {
    return validator.validateAsync(vertx, def).compose(violations -> violations.isEmpty()
        ? Future.succeededFuture(def)
        : Future.failedFuture(ConductorException.violations(violations)));
  }

  private Future<Reply> validateWorkflowDef(RoutingContext ctx) {
    return checked(Requests.body(ctx, WorkflowDef.class)).map(def -> Reply.ok());
  }

  private Future<Reply> createWorkflowDef(RoutingContext ctx) {
    boolean overwrite = Requests.boolQuery(ctx, "overwrite", false);
    return checked(Requests.body(ctx, WorkflowDef.class)).compose(def -> create(def, overwrite));
  }

  private Future<Reply> create(WorkflowDef def, boolean overwrite) {
    long now = System.currentTimeMillis();
    if (overwrite) {
      return store.getWorkflowDef(def.name, def.version).compose(existing -> {
        def.createTime = existing != null ? existing.createTime : Long.valueOf(now);
        def.updateTime = existing != null ? Long.valueOf(now) : null;
        return store.saveWorkflowDef(def);
      }).map(v -> Reply.ok());
    }
    def.createTime = now;
    return store.createWorkflowDef(def).map(created -> {
      if (!created) {
        throw ConductorException.conflict("Workflow with " + def.name + "." + def.version + " already exists!");
      }
      return Reply.ok();
    });
  }

  private Future<Reply> updateWorkflowDefs(RoutingContext ctx) {
    List<WorkflowDef> defs = Requests.body(ctx, WORKFLOW_DEFS);
    if (defs.isEmpty()) {
      throw ConductorException.invalid(List.of("workflowDefs: WorkflowDef list name cannot be empty"));
    }
    return validator.validateAllAsync(vertx, defs).compose(violations -> violations.isEmpty()
        ? saveAll(defs)
        : Future.failedFuture(ConductorException.violations(violations)));
  }

  private Future<Reply> saveAll(List<WorkflowDef> defs) {
    BulkResponse response = new BulkResponse();
    Future<Void> chain = Future.succeededFuture();
    long now = System.currentTimeMillis();
    for (WorkflowDef def : defs) {
      chain = chain.compose(v -> store.getWorkflowDef(def.name, def.version)
          .compose(existing -> {
            def.createTime = existing != null ? existing.createTime : Long.valueOf(now);
            def.updateTime = now;
            return store.saveWorkflowDef(def);
          })
          .onSuccess(ok -> response.bulkSuccessfulResults().add(def.name))
          .recover(err -> {
            response.bulkErrorResults().put(def.name, err.getMessage());
            return Future.succeededFuture();
          }));
    }
    return chain.map(v -> Reply.json(response));
  }

  private Future<Reply> getWorkflowDef(RoutingContext ctx) {
    String name = Requests.path(ctx, "name");
    Integer version = Requests.optionalIntQuery(ctx, "version");
    return store.getWorkflowDef(name, version).map(def -> {
      if (def == null) {
        throw ConductorException.notFound("No such workflow found by name: " + name + ", version: " + version);
      }
      return Reply.json(def);
    });
  }

  private Future<Reply> deleteWorkflowDef(RoutingContext ctx) {
    String name = Requests.path(ctx, "name");
    int version = Requests.intPath(ctx, "version");
    return store.deleteWorkflowDef(name, version).map(deleted -> {
      if (!deleted) {
        throw ConductorException.notFound("No such workflow definition: " + name + " version: " + version);
      }
      return Reply.ok();
    });
  }

  private Future<List<WorkflowDef>> latestVersions() {
    return store.listWorkflowDefs().map(all -> {
      Map<String, WorkflowDef> latest = new LinkedHashMap<>();
      for (WorkflowDef d : all) {
        WorkflowDef prev = latest.get(d.name);
        if (prev == null || prev.version < d.version) {
          latest.put(d.name, d);
        }
      }
      return new ArrayList<>(latest.values());
    });
  }

  private Future<Reply> namesAndVersions(RoutingContext ctx) {
    return store.listWorkflowDefs().map(all -> {
      Map<String, List<WorkflowDefSummary>> out = new LinkedHashMap<>();
      for (WorkflowDef d : all) {
        out.computeIfAbsent(d.name, n -> new ArrayList<>()).add(new WorkflowDefSummary(d.name, d.version, d.createTime, d.updateTime));
      }
      return Reply.json(out);
    });
  }

  private Future<Reply> names(RoutingContext ctx) {
    return store.listWorkflowDefs().map(all -> {
      LinkedHashSet<String> names = new LinkedHashSet<>();
      all.forEach(d -> names.add(d.name));
      return Reply.json(names);
    });
  }

  private Future<Reply> versions(RoutingContext ctx) {
    String name = Requests.path(ctx, "name");
    return store.listWorkflowDefs().map(all -> {
      List<WorkflowDefSummary> out = new ArrayList<>();
      all.stream().filter(d -> d.name.equals(name))
          .forEach(d -> out.add(new WorkflowDefSummary(d.name, d.version, d.createTime, d.updateTime)));
      return Reply.json(out);
    });
  }
}
