"""The runner: cells, resume, failures, locks, suite validation, reports, the CLI and Dask."""
from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from frostnet_jax import ConfigError, __version__
from frostnet_jax.bench.cells import suite_cells
from frostnet_jax.bench.runner import run_suite
from frostnet_jax.bench.storage import ResultsLock, cell_is_complete
from frostnet_jax.bench.suite import load_suite, parse_suite
from frostnet_jax.cli import main
from frostnet_jax.report.build import build_report
from tests.conftest import tiny_suite_dict


@pytest.fixture
def tiny():
    return parse_suite(tiny_suite_dict())


def test_run_writes_cells_env_and_resumes(tiny, tmp_path):
    first = run_suite(tiny, tmp_path, workers=1)
    assert (first.total, first.computed, first.reused, first.failed) == (6, 6, 0, [])
    env = json.loads((tmp_path / "env.json").read_text())
    assert env["package_version"] and env["git"]["commit"] and env["seeds"] == [0, 1]
    assert env["suite"]["name"] == "tiny" and env["seed_parallelism"] == "processes"
    again = run_suite(tiny, tmp_path, workers=1)
    assert (again.computed, again.reused) == (0, 6)


def test_report_tables_and_recompute_from_stored_scores(tiny, tmp_path):
    run_suite(tiny, tmp_path, workers=1)
    report = build_report(tiny, [tmp_path], tmp_path, figures_on=False)
    assert "VUS-PR" in report.headline and "±" in report.headline and "random" in report.headline
    for ext in ("md", "tex", "csv"):
        assert (tmp_path / "tables" / f"vus_pr.{ext}").is_file()
    tex = (tmp_path / "tables" / "vus_pr.tex").read_text()
    assert r"\toprule" in tex and r"\bottomrule" in tex and "window 10" in tex
    metrics = pd.read_csv(tmp_path / "metrics.csv")
    assert {"suite", "detector", "params_hash", "dataset", "difficulty", "seed", "metric", "value",
            "fit_s", "score_s", "compile_s"} <= set(metrics.columns)
    before = (tmp_path / "metrics.csv").read_text()
    build_report(tiny, [tmp_path], tmp_path, figures_on=False)
    assert (tmp_path / "metrics.csv").read_text() == before


@pytest.mark.robustness
def test_failed_cell_is_recorded_and_shown(tmp_path):
    raw = tiny_suite_dict(detector=[{"name": "iforest", "params": {"window": 700}}, {"name": "zscore"}])
    suite = parse_suite(raw)
    summary = run_suite(suite, tmp_path, workers=1)
    assert len(summary.failed) == 2 and "needs at least 700" in summary.failed[0][1]
    assert "seed 0" in summary.failed[0][1] or "seed 1" in summary.failed[0][1]
    report = build_report(suite, [tmp_path], tmp_path, figures_on=False)
    assert "failed" in report.headline
    assert "Failed cells" in (tmp_path / "summary.md").read_text()


@pytest.mark.robustness
def test_corrupted_cell_is_recomputed(tiny, tmp_path):
    run_suite(tiny, tmp_path, workers=1)
    cell = suite_cells(tiny, __version__)[0]
    npz = tmp_path / "cells" / f"{cell.key}.npz"
    npz.write_bytes(npz.read_bytes()[:100])
    assert not cell_is_complete(tmp_path / "cells", cell.key)
    assert run_suite(tiny, tmp_path, workers=1).computed == 1


@pytest.mark.robustness
def test_lock_refuses_a_second_run(tiny, tmp_path):
    with ResultsLock(tmp_path):
        with pytest.raises(ConfigError, match="in use by another run"):
            run_suite(tiny, tmp_path, workers=1)


@pytest.mark.robustness
@pytest.mark.parametrize("mutate, message", [
    (lambda r: r["detector"].append({"name": "zscroe"}), "Did you mean 'zscore'"),
    (lambda r: r["detector"].append({"name": "iforest", "label": "if2", "params": {"windw": 3}}),
     "Did you mean 'window'"),
    (lambda r: r["suite"].update(datasets=["orignal"]), "Did you mean 'original'"),
    (lambda r: r["suite"].update(metrics=["vus_p"]), "Unknown metric"),
    (lambda r: r["suite"].update(seeds=[]), "non-empty list"),
    (lambda r: r["suite"].update(name="../escape"), "plain name"),
    (lambda r: r["threshold"].update(rule="magic"), "Unknown threshold rule"),
    (lambda r: r["threshold"].update(qq=1), "takes no hyperparameter 'qq'"),
    (lambda r: r["suite"].update(window="bogus"), "window must be a positive integer or one of the rules"),
    (lambda r: r["suite"].update(seeds=[True]), "non-negative integers"),
    (lambda r: r["suite"]["dataset_params"]["original"].update(n="abc"), "should be like its default"),
    (lambda r: r["detector"].append({"name": "zscore", "label": "again"}), "already in the suite"),
])
def test_bad_suites_say_what_is_wrong(mutate, message):
    raw = tiny_suite_dict()
    mutate(raw)
    with pytest.raises(ConfigError, match=message):
        parse_suite(raw)


@pytest.mark.robustness
def test_malformed_toml_names_the_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[suite]\nname = "x"\nseeds = [0,\n')
    with pytest.raises(ConfigError, match="line"):
        load_suite(path=bad)


@pytest.mark.robustness
def test_suite_names_cannot_be_paths():
    with pytest.raises(ConfigError, match="plain name"):
        load_suite("../../etc/passwd")
    with pytest.raises(ConfigError, match="Known suites: .*micro"):
        load_suite("nope")


def test_shipped_suites_parse():
    for name in ("micro", "quick", "default"):
        suite = load_suite(name)
        assert suite.metrics[0] == "vus_pr"
    default = load_suite("default")
    assert "random" in [d.name for d in default.detectors] and len(default.seeds) == 5


def test_cli_bench_prints_table_and_narrows(tmp_path, capsys):
    suite_file = tmp_path / "tiny.toml"
    suite_file.write_text(
        '[suite]\nname = "tiny"\nseeds = [0, 1]\ndatasets = ["original"]\nwindow = 10\n'
        'metrics = ["vus_pr", "auc_pr"]\n[suite.dataset_params]\n"original" = { n = 600 }\n'
        '[threshold]\nrule = "quantile"\nq = 0.99\n[[detector]]\nname = "zscore"\n[[detector]]\nname = "random"\n')
    code = main(["bench", "--suite-file", str(suite_file), "--workers", "1", "--out", str(tmp_path / "r"),
                 "--detectors", "zscore", "--seeds", "0", "--no-figures", "--readme", str(tmp_path / "R.md")])
    out = capsys.readouterr().out
    assert "### VUS-PR" in (tmp_path / "R.md").read_text()
    assert code == 0 and "VUS-PR" in out and "zscore" in out and "random" not in out.split("VUS-PR")[1]
    assert "1 cells: 1 computed" in out


@pytest.mark.robustness
def test_cli_reports_config_errors_cleanly(capsys):
    assert main(["bench", "--suite", "nope"]) == 2
    assert "Unknown suite 'nope'" in capsys.readouterr().err


def test_evaluate_external_scores(tiny, tmp_path, capsys):
    from frostnet_jax import load_dataset

    scores_dir = tmp_path / "mymethod"
    scores_dir.mkdir()
    for seed in tiny.seeds:
        ds = load_dataset("original", seed=seed, n=600)
        np.save(scores_dir / f"original_seed{seed}.npy", np.abs(np.diff(ds.values[:, 0], prepend=ds.values[0, 0])))
    suite_file = tmp_path / "tiny.toml"
    suite_file.write_text(
        '[suite]\nname = "tiny"\nseeds = [0, 1]\ndatasets = ["original"]\nwindow = 10\n'
        'metrics = ["vus_pr", "auc_pr"]\n[suite.dataset_params]\n"original" = { n = 600 }\n'
        '[threshold]\nrule = "quantile"\nq = 0.99\n[[detector]]\nname = "zscore"\n')
    code = main(["evaluate", "--suite-file", str(suite_file), "--scores", str(scores_dir),
                 "--out", str(tmp_path / "r"), "--no-figures"])
    assert code == 0 and "mymethod" in capsys.readouterr().out
    np.save(scores_dir / "original_seed0.npy", np.zeros(5))
    assert main(["evaluate", "--suite-file", str(suite_file), "--scores", str(scores_dir),
                 "--out", str(tmp_path / "r"), "--no-figures"]) == 2
    assert "5 scores for a series of 600" in capsys.readouterr().err


def test_results_merge_from_several_folders(tiny, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    run_suite(tiny.narrowed(seeds=[0]), a, workers=1)
    run_suite(tiny.narrowed(seeds=[1]), b, workers=1)
    report = build_report(tiny, [a, b], tmp_path / "merged", figures_on=False)
    assert not report.collected.missing and len(report.collected.cells) == 6


def test_dask_local_cluster_equals_local_executor(tiny, tmp_path):
    pytest.importorskip("dask.distributed")
    run_suite(tiny, tmp_path / "local", workers=1)
    run_suite(tiny, tmp_path / "dask", executor="dask", workers=2)
    for cell in suite_cells(tiny, __version__):
        with np.load(tmp_path / "local" / "cells" / f"{cell.key}.npz") as x, \
                np.load(tmp_path / "dask" / "cells" / f"{cell.key}.npz") as y:
            assert np.array_equal(x["scores"], y["scores"]), cell.describe()


def test_process_pool_equals_in_process(tiny, tmp_path):
    run_suite(tiny, tmp_path / "inline", workers=1)
    run_suite(tiny, tmp_path / "pool", workers=2)
    for cell in suite_cells(tiny, __version__):
        with np.load(tmp_path / "inline" / "cells" / f"{cell.key}.npz") as x, \
                np.load(tmp_path / "pool" / "cells" / f"{cell.key}.npz") as y:
            assert np.array_equal(x["scores"], y["scores"]), cell.describe()


@pytest.mark.robustness
def test_a_folder_from_another_version_is_not_mixed(tiny, tmp_path):
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "env.json").write_text(json.dumps({"package_version": "0.0.1"}))
    summary = run_suite(tiny, tmp_path, workers=1)
    assert summary.computed == 6 and "version 0.0.1" in summary.note and "not reused" in summary.note


def test_vmap_seed_groups_match_processes(tmp_path):
    raw = tiny_suite_dict(detector=[{"name": "lstm_ae", "params": {"epochs": 2, "window": 8, "hidden": 8}}])
    raw["suite"]["data_seed"] = 0
    suite = parse_suite(raw)
    run_suite(suite, tmp_path / "p", workers=1, seed_parallel="processes")
    run_suite(suite, tmp_path / "v", workers=1, seed_parallel="vmap")
    assert json.loads((tmp_path / "v" / "env.json").read_text())["seed_parallelism"] == "vmap"
    for cell in suite_cells(suite, __version__):
        record = json.loads((tmp_path / "v" / "cells" / f"{cell.key}.json").read_text())
        assert record["seed_parallelism"] == "vmap" and record["group_size"] == 2
        with np.load(tmp_path / "p" / "cells" / f"{cell.key}.npz") as p, \
                np.load(tmp_path / "v" / "cells" / f"{cell.key}.npz") as v:
            np.testing.assert_allclose(v["scores"], p["scores"], rtol=1e-3, atol=1e-6)


@pytest.mark.robustness
def test_report_without_stored_cells_refuses_to_overwrite_tables(tiny, tmp_path):
    with pytest.raises(ConfigError, match="holds no stored cells"):
        build_report(tiny, [tmp_path / "nowhere"], tmp_path, figures_on=False)
    (tmp_path / "empty" / "cells").mkdir(parents=True)
    with pytest.raises(ConfigError, match="none of the 6 cells"):
        build_report(tiny, [tmp_path / "empty"], tmp_path, figures_on=False)


def test_merge_prefers_an_ok_copy_and_labels_come_from_the_suite(tiny, tmp_path):
    from frostnet_jax.bench.storage import write_cell

    run_suite(tiny, tmp_path / "b", workers=1)
    for cell in suite_cells(tiny, __version__):  # folder a: the same cells, failed
        write_cell(tmp_path / "a" / "cells", cell.key, {"status": "failed", "reason": "boom"}, {})
    report = build_report(tiny, [tmp_path / "a", tmp_path / "b"], tmp_path / "r", figures_on=False)
    assert all(c.ok for c in report.collected.cells) and "failed" not in report.headline
    renamed = dataclasses.replace(tiny, detectors=tuple(dataclasses.replace(d, label=d.label.upper())
                                                        for d in tiny.detectors))
    report = build_report(renamed, [tmp_path / "b"], tmp_path / "r", figures_on=False)
    assert "ZSCORE" in report.headline and "n/a" not in report.headline
