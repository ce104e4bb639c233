//! Per-run records as a Parquet file (one row group per batch of runs), with the same
//! columns as the CSV output; optional values are Parquet nulls.

use super::CliError;
use detente_engine::{RunOutcome, PATHWAY_COUNT};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::sync::Arc;

const SCHEMA: &str = "message run {
  REQUIRED INT64 run;
  REQUIRED INT32 war;
  OPTIONAL INT32 war_month;
  OPTIONAL BYTE_ARRAY war_pathway (UTF8);
  REQUIRED INT32 nuclear;
  REQUIRED INT32 crises_gray_zone;
  REQUIRED INT32 crises_snap_exercise;
  REQUIRED INT32 crises_ukraine_spillover;
  REQUIRED INT32 crises_belarus;
  REQUIRED INT32 crises_moldova_georgia;
  REQUIRED INT32 crises_deliberate_attack;
  REQUIRED INT32 crises_hybrid;
  OPTIONAL INT32 max_rung;
  OPTIONAL INT32 ceasefire_break_month;
  REQUIRED DOUBLE cost_usd_bn;
}";

fn err(e: impl std::fmt::Display) -> CliError {
    CliError::Other(anyhow::anyhow!("parquet: {e}"))
}

pub struct ParquetRuns {
    writer: SerializedFileWriter<std::fs::File>,
}

fn optional_i32(values: impl Iterator<Item = Option<u32>>) -> (Vec<i32>, Vec<i16>) {
    let mut vals = Vec::new();
    let mut defs = Vec::new();
    for v in values {
        match v {
            Some(x) => {
                vals.push(x as i32);
                defs.push(1);
            }
            None => defs.push(0),
        }
    }
    (vals, defs)
}

impl ParquetRuns {
    pub fn create(path: &str) -> Result<Self, CliError> {
        let schema = Arc::new(parse_message_type(SCHEMA).map_err(err)?);
        let file = std::fs::File::create(path)
            .map_err(|e| CliError::Other(anyhow::anyhow!("{path}: {e}")))?;
        let props = Arc::new(WriterProperties::builder().build());
        Ok(ParquetRuns {
            writer: SerializedFileWriter::new(file, schema, props).map_err(err)?,
        })
    }

    pub fn write(&mut self, records: &[RunOutcome]) -> Result<(), CliError> {
        if records.is_empty() {
            return Ok(());
        }
        let mut rg = self.writer.next_row_group().map_err(err)?;
        let mut index = 0;
        while let Some(mut col) = rg.next_column().map_err(err)? {
            let i32s = |f: &dyn Fn(&RunOutcome) -> i32| records.iter().map(f).collect::<Vec<i32>>();
            match index {
                0 => {
                    let v: Vec<i64> = records.iter().map(|o| o.run as i64).collect();
                    col.typed::<Int64Type>()
                        .write_batch(&v, None, None)
                        .map_err(err)?;
                }
                1 => {
                    col.typed::<Int32Type>()
                        .write_batch(&i32s(&|o| o.war_month.is_some() as i32), None, None)
                        .map_err(err)?;
                }
                2 => {
                    let (v, d) = optional_i32(records.iter().map(|o| o.war_month));
                    col.typed::<Int32Type>()
                        .write_batch(&v, Some(&d), None)
                        .map_err(err)?;
                }
                3 => {
                    let v: Vec<ByteArray> = records
                        .iter()
                        .filter_map(|o| o.war_pathway)
                        .map(|p| ByteArray::from(p.name()))
                        .collect();
                    let d: Vec<i16> = records
                        .iter()
                        .map(|o| o.war_pathway.is_some() as i16)
                        .collect();
                    col.typed::<ByteArrayType>()
                        .write_batch(&v, Some(&d), None)
                        .map_err(err)?;
                }
                4 => {
                    col.typed::<Int32Type>()
                        .write_batch(&i32s(&|o| o.nuclear as i32), None, None)
                        .map_err(err)?;
                }
                i if (5..5 + PATHWAY_COUNT).contains(&i) => {
                    let k = i - 5;
                    col.typed::<Int32Type>()
                        .write_batch(&i32s(&|o| o.crises[k] as i32), None, None)
                        .map_err(err)?;
                }
                12 => {
                    let (v, d) = optional_i32(records.iter().map(|o| o.max_rung.map(u32::from)));
                    col.typed::<Int32Type>()
                        .write_batch(&v, Some(&d), None)
                        .map_err(err)?;
                }
                13 => {
                    let (v, d) = optional_i32(records.iter().map(|o| o.ceasefire_break_month));
                    col.typed::<Int32Type>()
                        .write_batch(&v, Some(&d), None)
                        .map_err(err)?;
                }
                _ => {
                    let v: Vec<f64> = records.iter().map(|o| o.cost_bn).collect();
                    col.typed::<DoubleType>()
                        .write_batch(&v, None, None)
                        .map_err(err)?;
                }
            }
            col.close().map_err(err)?;
            index += 1;
        }
        rg.close().map_err(err)?;
        Ok(())
    }

    pub fn finish(self) -> Result<(), CliError> {
        self.writer.close().map_err(err)?;
        Ok(())
    }
}
