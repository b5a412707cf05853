//! The ISO country table, as Medusa's region loader upserts it at start-up.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::sea_query::OnConflict;

use crate::countries::COUNTRIES;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "region_0002_seed_countries"
    }
}

#[derive(DeriveIden)]
enum RegionCountry {
    Table,
    #[sea_orm(iden = "iso_2")]
    Iso2,
    #[sea_orm(iden = "iso_3")]
    Iso3,
    NumCode,
    Name,
    DisplayName,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let now = chrono::Utc::now();
        let mut insert = Query::insert();
        insert
            .into_table(RegionCountry::Table)
            .columns([
                RegionCountry::Iso2,
                RegionCountry::Iso3,
                RegionCountry::NumCode,
                RegionCountry::Name,
                RegionCountry::DisplayName,
                RegionCountry::CreatedAt,
                RegionCountry::UpdatedAt,
            ])
            .on_conflict(
                OnConflict::column(RegionCountry::Iso2)
                    .do_nothing()
                    .to_owned(),
            );
        for (iso_2, iso_3, num_code, display_name) in COUNTRIES {
            insert
                .values([
                    (*iso_2).into(),
                    (*iso_3).into(),
                    (*num_code).into(),
                    display_name.to_uppercase().into(),
                    (*display_name).into(),
                    now.into(),
                    now.into(),
                ])
                .map_err(|e| DbErr::Custom(format!("country row {iso_2}: {e}")))?;
        }
        m.exec_stmt(insert).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.exec_stmt(Query::delete().from_table(RegionCountry::Table).to_owned())
            .await
    }
}
