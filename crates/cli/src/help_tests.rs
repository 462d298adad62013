//! Every option of every command has a help line.

use super::Cli;
use clap::CommandFactory;

fn check(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if id == "help" || id == "version" {
            continue;
        }
        if arg.get_help().is_none() {
            missing.push(format!("{path} --{id}"));
        }
    }
    for sub in cmd.get_subcommands() {
        if sub.get_about().is_none() {
            missing.push(format!("{path} {} (no about)", sub.get_name()));
        }
        check(sub, &format!("{path} {}", sub.get_name()), missing);
    }
}

#[test]
fn every_option_has_a_help_line() {
    let mut missing = Vec::new();
    check(&Cli::command(), "gihi", &mut missing);
    assert!(missing.is_empty(), "options without help: {missing:#?}");
}
